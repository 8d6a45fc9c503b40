import type { ValidationIssue } from '@cx/core';

/** What happened to one event of an ingested batch. */
export type IngestStatus = 'accepted' | 'duplicate' | 'rejected' | 'suppressed';

/**
 * Why an event was not accepted: a cx error code (`VALIDATION`, `LIMIT`), or one of identity's
 * own: `DELETED` (the person was deleted; a replay cannot bring them back), `SUPPRESSED` (the
 * person's events are blocked), `NO_IDENTIFIER` (every id of the event is blocked or malformed).
 */
export type IngestCode = 'VALIDATION' | 'LIMIT' | 'DELETED' | 'SUPPRESSED' | 'NO_IDENTIFIER';

/** The outcome of one event, by its position in the batch. */
export interface IngestEventResult {
  index: number;
  messageId?: string;
  status: IngestStatus;
  /** The profile the event was stored under (accepted), or whose event it was (suppressed). */
  profileId?: string;
  code?: IngestCode;
  message?: string;
  issues?: readonly ValidationIssue[];
}

/** The outcome of `identity.ingest`: one result per input event, and the totals. */
export interface IngestResult {
  results: IngestEventResult[];
  accepted: number;
  duplicates: number;
  rejected: number;
  suppressed: number;
}
