import { createWriteStream } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError } from '@cx/core';
import { createIdentity } from '@cx/identity';
import { importFile } from '../import/import-file';
import type { ImportFormat, ImportKind, ImportProgress, RowError } from '../import/import-types';
import { createProgressReporter } from '../progress/progress-reporter';
import { openStorage } from '../storage/open-storage';
import { type CliIo, EXIT } from './cli-io';
import { IDENTITY_FLAGS, identityConfigOf } from './identity-flags';
import { integerFlag, parseFlags } from './parse-flags';
import { IMPORT_USAGE } from './usage';

function formatOf(value: string | undefined, file: string): ImportFormat {
  const format =
    value ?? { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson' }[extname(file).toLowerCase()];
  if (format !== 'csv' && format !== 'ndjson') {
    throw new ConfigError('--format must be csv or ndjson (it could not be told from the file name)');
  }
  return format;
}

/** `cx import`: streams the file into identity and reports every rejected row. */
export async function importCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    storage: { type: 'string' },
    workspace: { type: 'string' },
    kind: { type: 'string' },
    format: { type: 'string' },
    errors: { type: 'string' },
    'batch-size': { type: 'string' },
    json: { type: 'boolean' },
    ...IDENTITY_FLAGS,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(IMPORT_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new ConfigError('cx import takes exactly one file (or - for stdin)');
  const file = positionals[0]!;
  if (values.storage === undefined) throw new ConfigError('--storage is required');
  if (values.workspace === undefined) throw new ConfigError('--workspace is required');
  if (values.kind !== 'customers' && values.kind !== 'events')
    throw new ConfigError('--kind must be customers or events');
  const kind: ImportKind = values.kind;
  const format = formatOf(values.format, file);
  const batchSize = integerFlag(values['batch-size'], 'batch-size', 500, 1, 10_000);

  const opened = await openStorage(values.storage, {
    onConnectionError: (error) =>
      io.stderr.write(`cx import: database connection lost (${error.message}); it reconnects on next use\n`),
  });
  const report = values.errors === undefined ? undefined : createWriteStream(values.errors);
  try {
    const identity = createIdentity({ storage: opened.storage, config: identityConfigOf(values, io.env) });
    const progress = createProgressReporter({ stream: io.stderr, clock: io.clock });
    let last: ImportProgress = { rows: 0, bytes: 0 };
    const writeError = async (error: RowError) => {
      if (report === undefined) {
        io.stderr.write(
          `${io.stderr.isTTY ? '\r\u001b[K' : ''}row ${error.row} (line ${error.line}): ${error.code}: ${error.message}\n`,
        );
        return;
      }
      if (!report.write(`${JSON.stringify(error)}\n`))
        await new Promise<void>((resolve) => report.once('drain', () => resolve()));
    };
    const started = io.clock.now();
    const summary = await importFile({
      identity,
      workspaceId: values.workspace,
      source: file === '-' ? io.stdin : file,
      format,
      kind,
      batchSize,
      clock: io.clock,
      onRowError: writeError,
      onProgress: (now) => {
        last = now;
        progress.update(now);
      },
    });
    progress.done(summary, last);
    const seconds = Math.max(0.001, (io.clock.now() - started) / 1000);
    if (values.json) io.stdout.write(`${JSON.stringify({ ...summary, seconds })}\n`);
    else {
      io.stdout.write(
        `imported ${summary.rows} rows from ${file}: ${summary.accepted} accepted, ${summary.duplicates} duplicates, ` +
          `${summary.suppressed} suppressed, ${summary.rejected} rejected (${Math.round(summary.rows / seconds)} rows/s)\n`,
      );
    }
    return summary.rejected > 0 ? EXIT.rowsRejected : EXIT.ok;
  } finally {
    if (report !== undefined) await new Promise<void>((resolve) => report.end(() => resolve()));
    await opened.close();
  }
}
