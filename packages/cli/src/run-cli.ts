import { isCxError, systemClock } from '@cx/core';
import { type CliIo, EXIT } from './commands/cli-io';
import { IMPORT_USAGE, OUTBOX_USAGE, SEGMENTS_USAGE, SEND_USAGE, SERVE_USAGE } from './commands/usage';

/** Help text of `cx`. */
export const USAGE = `Usage: cx <command> [options]

Commands:
  serve    run the collection server and Profile API
  import   stream a CSV or NDJSON file of customers or events into a store
  segments define, backfill, list, size up and preview segments
  send     preview and send a message to one person through the channel adapters
  outbox   outbox counts, dead letters, retry, show a message, deliver what is due

Run cx <command> --help for its options.
`;

/** Help of each command, for `cx help <command>`. */
const TOPICS = new Map([
  ['serve', SERVE_USAGE],
  ['import', IMPORT_USAGE],
  ['segments', SEGMENTS_USAGE],
  ['send', SEND_USAGE],
  ['outbox', OUTBOX_USAGE],
]);

/**
 * Runs the `cx` command line with `argv` (without `node` and the script) and returns the exit
 * code: 0 done, 1 fatal error (or a message that failed on every channel), 2 bad usage (or an
 * invalid segment definition, channels config or template), 3 import finished with rejected rows,
 * 130 segment backfill or outbox run interrupted.
 *
 * @example
 * ```ts
 * const code = await runCli(['import', '--storage', 'sqlite:cx.db', '--workspace', 'acme', '--kind', 'customers', 'customers.csv']);
 * ```
 */
export async function runCli(argv: readonly string[], overrides: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    clock: systemClock,
    signal: new AbortController().signal,
    ...overrides,
  };
  const [command, ...rest] = argv;
  try {
    // Commands load on use; database drivers load only for the chosen --storage (see openStorage).
    if (command === 'serve') return await (await import('./commands/serve-command')).serveCommand(rest, io);
    if (command === 'import')
      return await (await import('./commands/import-command')).importCommand(rest, io);
    if (command === 'segments')
      return await (await import('./commands/segments-command')).segmentsCommand(rest, io);
    if (command === 'send') return await (await import('./commands/send-command')).sendCommand(rest, io);
    if (command === 'outbox')
      return await (await import('./commands/outbox-command')).outboxCommand(rest, io);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      const topic = rest[0];
      io.stdout.write(TOPICS.get(topic ?? '') ?? USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    io.stderr.write(`cx: unknown command "${command}"\n\n${USAGE}`);
    return EXIT.usage;
  } catch (error) {
    if (isCxError(error, 'CONFIG')) {
      io.stderr.write(`cx ${command}: ${error.message}\nRun cx ${command} --help for usage.\n`);
      return EXIT.usage;
    }
    const detail = isCxError(error)
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
    io.stderr.write(`cx ${command}: ${detail}\n`);
    return EXIT.fatal;
  }
}
