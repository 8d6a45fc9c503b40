import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { type Clock, NotFoundError, parseOrThrow, systemClock, workspaceIdSchema } from '@cx/core';
import type { Identity } from '@cx/identity';
import { z } from 'zod';
import type {
  ImportFormat,
  ImportKind,
  ImportProgress,
  ImportSummary,
  PendingCall,
  RowError,
} from './import-types';
import { csvRows, ndjsonRows, type SourceRow } from './row-sources';

/** The part of `@cx/identity`'s `Identity` an import uses: `createIdentity()` gives one. */
export type ImportIdentity = Pick<Identity, 'ingest'>;

/** Options of {@link importFile}. */
export interface ImportFileOptions {
  /** The identity service that ingests the calls (`createIdentity()` from `@cx/identity`). */
  identity: ImportIdentity;
  workspaceId: string;
  /** A file path, or a readable stream of the file's bytes (stdin, an upload, an S3 object). */
  source: string | Readable;
  format: ImportFormat;
  kind: ImportKind;
  /** Calls per `ingest`; default 500. Memory holds one batch, whatever the file size. */
  batchSize?: number;
  /** Called for each row not imported, in row order within each batch. */
  onRowError?: (error: RowError) => void | Promise<void>;
  /** Called after each batch with the running totals. */
  onProgress?: (progress: ImportProgress & ImportSummary) => void;
  /** Where `receivedAt` comes from; defaults to the system clock. */
  clock?: Clock;
}

const optionsSchema = z.object({
  identity: z.custom<ImportIdentity>(
    (value) => typeof (value as ImportIdentity | null)?.ingest === 'function',
    'Expected an identity service with ingest()',
  ),
  workspaceId: workspaceIdSchema,
  source: z.union([
    z.string().min(1, 'File path must not be empty'),
    z.custom<Readable>((value) => value instanceof Readable, 'Expected a file path or a Readable'),
  ]),
  format: z.enum(['csv', 'ndjson']),
  kind: z.enum(['customers', 'events']),
  batchSize: z.number().int().min(1).max(10_000).default(500),
  onRowError: z.custom<(error: RowError) => void>((value) => typeof value === 'function').optional(),
  onProgress: z.custom<(progress: ImportProgress) => void>((value) => typeof value === 'function').optional(),
  clock: z
    .custom<Clock>((value) => typeof (value as Clock | null)?.now === 'function', 'Expected a Clock')
    .optional(),
});

/**
 * Streams a CSV or NDJSON file of customers or events into identity, a batch at a time:
 * memory holds one batch and the parser's buffer, never the file. Every row ends up counted
 * as accepted, duplicate, suppressed or rejected; each rejected row is reported to
 * `onRowError` with its row and line number, and the rest of the file is still imported.
 * Re-importing a file stores nothing twice: rows without a `messageId` get one derived from
 * their content.
 *
 * CSV customers: `user_id`, `anonymous_id`, `email`, `phone`, `message_id`, `timestamp`, and any
 * other column (or `traits.<name>`) as a trait → `identify`. CSV events: `event`, `user_id` /
 * `anonymous_id`, `timestamp`, `message_id`, `properties.<name>` → `track`. NDJSON: one Segment
 * call per line.
 *
 * @throws `ValidationError` for bad options, a bad CSV header or a broken file (rows before it
 * stay imported); `NotFoundError` when the file does not exist; whatever identity throws.
 * @example
 * ```ts
 * const summary = await importFile({
 *   identity, workspaceId: 'acme', source: 'customers.csv', format: 'csv', kind: 'customers',
 *   onRowError: (error) => console.error(`row ${error.row}: ${error.message}`),
 * });
 * console.log(`${summary.accepted} of ${summary.rows} rows imported`);
 * ```
 */
export async function importFile(input: ImportFileOptions): Promise<ImportSummary> {
  const options = parseOrThrow(optionsSchema, input, 'import options');
  const clock = options.clock ?? systemClock;
  let totalBytes: number | undefined;
  let stream: Readable;
  if (typeof options.source === 'string') {
    try {
      totalBytes = (await stat(options.source)).size;
    } catch (error) {
      throw new NotFoundError(`Cannot read ${options.source}: ${(error as Error).message}`, { cause: error });
    }
    stream = createReadStream(options.source);
  } else {
    stream = options.source;
  }
  const counter = { bytes: 0 };
  const rows: AsyncGenerator<SourceRow> =
    options.format === 'csv'
      ? csvRows(stream, options.kind, counter)
      : ndjsonRows(stream, options.kind, counter);
  const summary: ImportSummary = { rows: 0, accepted: 0, duplicates: 0, rejected: 0, suppressed: 0 };
  let calls: PendingCall[] = [];
  let errors: RowError[] = [];

  const flush = async () => {
    if (calls.length > 0) {
      const batch = calls;
      const result = await options.identity.ingest(
        options.workspaceId,
        batch.map((pending) => pending.call),
        { receivedAt: clock.now() },
      );
      const byIndex = new Map(result.results.map((item) => [item.index, item]));
      batch.forEach((pending, index) => {
        const outcome = byIndex.get(index);
        if (outcome?.status === 'accepted') summary.accepted++;
        else if (outcome?.status === 'duplicate') summary.duplicates++;
        else if (outcome?.status === 'suppressed') summary.suppressed++;
        else {
          errors.push({
            row: pending.row,
            line: pending.line,
            ...(typeof pending.call.messageId === 'string' ? { messageId: pending.call.messageId } : {}),
            code: outcome?.code ?? 'INTERNAL',
            message: outcome?.message ?? 'Identity returned no result for this row',
            ...(outcome?.issues === undefined ? {} : { issues: outcome.issues }),
          });
        }
      });
    }
    const report = errors.sort((a, b) => a.row - b.row);
    summary.rejected += report.length;
    calls = [];
    errors = [];
    for (const error of report) await options.onRowError?.(error);
    options.onProgress?.({
      ...summary,
      bytes: counter.bytes,
      ...(totalBytes === undefined ? {} : { totalBytes }),
    });
  };

  for await (const row of rows) {
    summary.rows++;
    if ('error' in row) errors.push(row.error);
    else calls.push(row);
    if (calls.length + errors.length >= options.batchSize) await flush();
  }
  await flush();
  return summary;
}
