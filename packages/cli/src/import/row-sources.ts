import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { isCxError, LimitError, ValidationError } from '@cx/core';
import { type CsvError, parse } from 'csv-parse';
import type { ImportKind, PendingCall, RowError } from './import-types';
import { csvMapping, csvRowToCall, ndjsonLineToCall } from './row-mapping';

/** One row read from a file: a call to ingest, or the reason it cannot be. */
export type SourceRow = PendingCall | { row: number; line: number; error: RowError };

/** Bytes of the file read so far, updated by the row sources. */
export interface ByteCounter {
  bytes: number;
}

/** Largest CSV record or NDJSON line read; past it the row is refused (memory stays bounded). */
export const MAX_ROW_BYTES = 1024 * 1024;

function rowError(row: number, line: number, error: unknown): { row: number; line: number; error: RowError } {
  if (!isCxError(error)) throw error;
  const issues = error instanceof ValidationError ? error.issues : undefined;
  return {
    row,
    line,
    error: {
      row,
      line,
      code: error.code,
      message: error.message,
      ...(issues && issues.length > 0 ? { issues } : {}),
    },
  };
}

/**
 * Streams CSV rows as Segment calls. The first record is the header. A row with the wrong
 * number of cells is reported and skipped; a broken file (an unclosed quote, a record over
 * {@link MAX_ROW_BYTES}) stops the import with a `ValidationError` naming the line.
 */
export async function* csvRows(
  input: Readable,
  kind: ImportKind,
  counter: ByteCounter,
): AsyncGenerator<SourceRow> {
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_ROW_BYTES,
  });
  input.on('error', (error) => parser.destroy(error));
  input.on('data', (chunk: Buffer | string) => {
    counter.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  });
  input.pipe(parser);
  let mapping: ReturnType<typeof csvMapping> | undefined;
  let row = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (mapping === undefined) {
        mapping = csvMapping(record, kind);
        continue;
      }
      row++;
      try {
        yield { row, line: info.lines, call: csvRowToCall(mapping, record) };
      } catch (error) {
        yield rowError(row, info.lines, error);
      }
    }
  } catch (error) {
    const code = (error as CsvError).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) {
      const line = (error as CsvError).lines;
      throw new ValidationError(`CSV is malformed near line ${String(line)}: ${(error as Error).message}`, [
        { path: `line ${String(line)}`, message: (error as Error).message, code },
      ]);
    }
    throw error;
  } finally {
    input.unpipe(parser);
    input.destroy();
  }
  if (mapping === undefined) {
    throw new ValidationError('CSV file is empty: it needs a header row', [
      { path: 'header', message: 'No header', code: 'missing_header' },
    ]);
  }
}

/**
 * Streams NDJSON lines as Segment calls, one call per non-blank line. Lines are split here
 * rather than with `readline`, so that reading waits for ingestion (back-pressure) and an
 * overlong line is dropped as it streams instead of being held.
 */
export async function* ndjsonRows(
  input: Readable,
  kind: ImportKind,
  counter: ByteCounter,
): AsyncGenerator<SourceRow> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let overlong = false;
  let line = 0;
  let row = 0;
  const take = (text: string): SourceRow | undefined => {
    line++;
    if (text.trim() === '') return undefined;
    row++;
    try {
      return { row, line, call: ndjsonLineToCall(kind, text) };
    } catch (error) {
      return rowError(row, line, error);
    }
  };
  const tooLong = (): SourceRow => {
    line++;
    row++;
    return rowError(
      row,
      line,
      new LimitError(`Line is longer than ${MAX_ROW_BYTES} bytes`, MAX_ROW_BYTES, MAX_ROW_BYTES + 1),
    );
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      counter.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        const piece = text.slice(start, newline);
        start = newline + 1;
        if (overlong) {
          overlong = false;
          yield tooLong();
          continue;
        }
        const next = take((pending + piece).replace(/\r$/, ''));
        pending = '';
        if (next !== undefined) yield next;
      }
      if (!overlong) {
        pending += text.slice(start);
        if (pending.length > MAX_ROW_BYTES) {
          overlong = true;
          pending = '';
        }
      }
    }
    pending += decoder.end();
    if (overlong) yield tooLong();
    else if (pending !== '') {
      const next = take(pending.replace(/\r$/, ''));
      if (next !== undefined) yield next;
    }
  } finally {
    input.destroy();
  }
}
