import type { ValidationIssue } from '@cx/core';

/** The file formats `importFile` reads. */
export type ImportFormat = 'csv' | 'ndjson';
/** What the rows are: customers become `identify` calls, events become `track` calls. */
export type ImportKind = 'customers' | 'events';

/** A row that was not imported, and why. */
export interface RowError {
  /** 1-based data row: CSV rows after the header, NDJSON non-blank lines. */
  row: number;
  /** 1-based line of the file where the row ends. */
  line: number;
  /** The call's `messageId`, when the row got that far. */
  messageId?: string;
  /** A `CxErrorCode` such as `VALIDATION` or `LIMIT`, or `CSV` for a malformed CSV row. */
  code: string;
  message: string;
  issues?: readonly ValidationIssue[];
}

/** Progress reported after each batch. */
export interface ImportProgress {
  /** Rows read so far. */
  rows: number;
  /** Bytes of the file read so far. */
  bytes: number;
  /** File size, when known (not for stdin). */
  totalBytes?: number;
}

/** The outcome of an import: every row is counted in exactly one of the four outcomes. */
export interface ImportSummary {
  rows: number;
  accepted: number;
  duplicates: number;
  /** Rows not imported: malformed, invalid, or refused by identity (each one was reported). */
  rejected: number;
  /** Rows of suppressed people, deliberately not stored. */
  suppressed: number;
}

/** One mapped row, ready to ingest. */
export interface PendingCall {
  row: number;
  line: number;
  call: Record<string, unknown>;
}
