import type { Clock } from '@cx/core';
import type { ImportProgress, ImportSummary } from '../import/import-types';

/** Where progress goes: stderr, or any stream with `write`. */
export interface ProgressStream {
  write(text: string): unknown;
  /** True for a terminal: the bar is redrawn in place. Otherwise plain lines are printed. */
  isTTY?: boolean;
}

const WIDTH = 30;
const format = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * Import progress: a bar redrawn in place (at most every 100 ms) on a terminal, a plain line
 * every few seconds otherwise, so logs of a long import stay readable.
 */
export function createProgressReporter(options: {
  stream: ProgressStream;
  clock: Clock;
  lineEveryMs?: number;
}) {
  const started = options.clock.now();
  const tty = options.stream.isTTY === true;
  const every = tty ? 100 : (options.lineEveryMs ?? 5000);
  let last = Number.NEGATIVE_INFINITY;

  const render = (progress: ImportProgress) => {
    const seconds = Math.max(0.001, (options.clock.now() - started) / 1000);
    const rate = `${format(progress.rows / seconds)} rows/s`;
    if (progress.totalBytes === undefined || progress.totalBytes === 0)
      return `${format(progress.rows)} rows, ${rate}`;
    const share = Math.min(1, progress.bytes / progress.totalBytes);
    const filled = Math.round(share * WIDTH);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
    return `${tty ? `${bar} ` : ''}${(share * 100).toFixed(0).padStart(3)}% ${format(progress.rows)} rows, ${rate}`;
  };

  return {
    /** Shows progress, throttled. */
    update(progress: ImportProgress) {
      const now = options.clock.now();
      if (now - last < every) return;
      last = now;
      options.stream.write(tty ? `\r${render(progress)}\u001b[K` : `import: ${render(progress)}\n`);
    },
    /** Ends the bar with the final totals. */
    done(summary: ImportSummary, progress: ImportProgress) {
      if (tty) options.stream.write(`\r${render(progress)}\u001b[K\n`);
      else options.stream.write(`import: ${render(progress)}, done (${format(summary.rejected)} rejected)\n`);
    },
  };
}
