import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ConfigError } from '@cx/core';
import type { ProgressStream } from '../progress/progress-reporter';

/** Where the question is asked and answered. */
export interface ConfirmIo {
  stdin: Readable;
  stderr: ProgressStream;
  /** Aborted by Ctrl-C: counts as "no". */
  signal: AbortSignal;
}

/** The first line typed, or `null` at end of input or on abort. */
function firstLine(io: ConfirmIo): Promise<string | null> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    let settled = false;
    const done = (answer: string | null) => {
      // Closing the interface emits 'close' at once: the first answer must win.
      if (settled) return;
      settled = true;
      io.signal.removeEventListener('abort', aborted);
      resolve(answer);
      lines.close();
    };
    const aborted = () => done(null);
    io.signal.addEventListener('abort', aborted, { once: true });
    lines.once('line', (line) => done(line));
    lines.once('close', () => done(null));
  });
}

/**
 * Asks on the terminal before a real message goes to a real person. Sending is the one `cx`
 * command whose effect cannot be taken back, so without a terminal to ask on it refuses rather
 * than assume: scripts and cron jobs say `--yes`.
 *
 * @throws `ConfigError` when stdin is not a terminal.
 * @example
 * ```ts
 * if (!(await confirmSend('Send it to email:an@example.com on sms?', io))) return EXIT.ok;
 * ```
 */
export async function confirmSend(question: string, io: ConfirmIo): Promise<boolean> {
  if ((io.stdin as { isTTY?: boolean }).isTTY !== true) {
    throw new ConfigError(
      'stdin is not a terminal, so cx send cannot ask before sending: add --yes to send, or --preview to only render',
    );
  }
  io.stderr.write(`${question} [y/N] `);
  const answer = await firstLine(io);
  return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
}
