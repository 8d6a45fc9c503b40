import type { CxErrorCode } from '../errors/cx-error';
import type { ValidationIssue } from '../errors/errors';
import type { CxEvent, EventType } from '../events';
import type { Page } from './page';

/** Why one event of a batch was not stored. */
export interface EventRejection {
  /** Position of the event in the batch given to `append`. */
  index: number;
  /** The event's `messageId`, when it had a readable one. */
  messageId?: string;
  /** `VALIDATION` or `LIMIT`. */
  code: CxErrorCode;
  /** What was wrong, naming the field. */
  message: string;
  /** Every problem found, for validation failures. */
  issues?: readonly ValidationIssue[];
}

/**
 * The outcome of appending a batch. Every input event lands in exactly one of the three lists:
 * nothing is dropped silently.
 */
export interface AppendResult {
  /** `messageId`s stored by this call, in batch order. */
  inserted: string[];
  /** `messageId`s already stored (or repeated earlier in the same batch); not stored again. */
  duplicates: string[];
  /** Invalid events, with reasons; the valid events of the batch are stored regardless. */
  rejected: EventRejection[];
}

/** Which events of one or more profiles to read. */
export interface ProfileEventsQuery {
  /** The profile ids whose events to read: a profile and every profile merged into it. */
  profileIds: readonly string[];
  /** Inclusive lower bound on `timestamp`. */
  from?: string | Date;
  /** Exclusive upper bound on `timestamp`. */
  to?: string | Date;
  /** Oldest first (`asc`, the default) or newest first (`desc`). */
  order?: 'asc' | 'desc';
  /** Page size; default 100, at most 10,000. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** Which part of a workspace's event log to scan. */
export interface ScanQuery {
  /** The `nextCursor` of the previous page; omit to start at the beginning. */
  cursor?: string | null;
  /** Page size; default 100, at most 10,000. */
  limit?: number;
  /** Only events of these types. */
  types?: readonly EventType[];
  /**
   * Inclusive lower bound on `timestamp`. Events still come in append order, not by time: a
   * late-arriving event with an old timestamp is where it was appended.
   */
  from?: string | Date;
  /** Exclusive upper bound on `timestamp`. */
  to?: string | Date;
}

/** Where to read the log from, for a consumer that follows it. */
export interface ReadLogQuery {
  /** A position from an earlier `readLog` or `logHead`; `null` or omitted: the beginning. */
  after?: string | null;
  /** At most this many events; default 100, at most 10,000. */
  limit?: number;
}

/** A page of the log and the position after it. */
export interface LogPage {
  /** Events in append order. */
  items: CxEvent[];
  /**
   * Where the next read continues: after the last event returned, or the `after` given when
   * nothing new was there. Store it as the consumer's checkpoint.
   */
  position: string | null;
}

/**
 * The append-only log of a workspace's events.
 *
 * Contract (proved by the conformance suite in `@cx/core/testing`):
 * - `append` is idempotent by `messageId` within a workspace, validates every event against
 *   `cxEventSchema`, stores the valid ones and reports the rest; a duplicate keeps the first copy.
 * - `scan` returns events in append order, optionally only some types or a time range; a cursor
 *   stays valid while new events are appended.
 * - `listByProfile` returns events ordered by `timestamp` (ties in append order).
 * - No call ever reads or changes another workspace's events.
 */
export interface EventStore {
  /** Stores a batch of normalised events idempotently by `messageId`. */
  append(workspaceId: string, events: readonly unknown[]): Promise<AppendResult>;
  /** One event by `messageId`, or `null`. */
  get(workspaceId: string, messageId: string): Promise<CxEvent | null>;
  /** Events of the given profiles in a time range, by timestamp. */
  listByProfile(workspaceId: string, query: ProfileEventsQuery): Promise<Page<CxEvent>>;
  /** Every event of the workspace in append order, a page at a time. */
  scan(workspaceId: string, query?: ScanQuery): Promise<Page<CxEvent>>;
  /**
   * The events after a position, in append order, and the position after them: how a consumer
   * follows the log from its checkpoint. A position never skips an event that appears later.
   * Positions are `scan` cursors, and `scan` cursors are positions.
   */
  readLog(workspaceId: string, query?: ReadLogQuery): Promise<LogPage>;
  /** The position after the newest event a reader can see now, or `null` for an empty log (a consumer that starts "from now"). */
  logHead(workspaceId: string): Promise<string | null>;
  /** How many events follow `position` now: a consumer's lag. */
  countAfter(workspaceId: string, position: string | null): Promise<number>;
  /** Deletes every event of the given profiles; returns how many were deleted. */
  deleteByProfile(workspaceId: string, profileIds: readonly string[]): Promise<number>;
}
