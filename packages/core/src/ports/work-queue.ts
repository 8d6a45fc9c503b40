import type { Page } from './page';

/**
 * Where an item stands: `scheduled` (waiting for its due time, or due and free to claim),
 * `claimed` (a worker holds its lease) or `dead` (dead-lettered: kept for operators, never
 * claimed again unless scheduled anew with `ifExists: 'replace'`).
 */
export type WorkState = 'scheduled' | 'claimed' | 'dead';

/**
 * What a second `schedule` of a key that is still pending means:
 * - `keep` (the default): the first item stands, its due time and payload unchanged
 *   (graphile-worker's `unsafe_dedupe`, pg-boss's `singletonKey`). Scheduling is idempotent.
 * - `replace`: the item takes the new due time and payload, its attempts start again from 0,
 *   and a worker that holds it loses its lease (its completion is refused), so the new version
 *   runs. A dead item is revived this way.
 */
export type ScheduleConflict = 'keep' | 'replace';

/** Input of {@link WorkQueue.schedule}. */
export interface ScheduleWorkInput<P = unknown> {
  /** The queue, named by the package that owns it (`segments.windows`, `channels.outbox`). */
  queue: string;
  /** Idempotency key, unique among the queue's pending items. Free again once completed. */
  key: string;
  /** When the item becomes claimable (ISO time, `Date` or epoch ms); default now. */
  dueAt?: string | Date | number;
  /** Any JSON value. */
  payload?: P;
  /** See {@link ScheduleConflict}; default `keep`. */
  ifExists?: ScheduleConflict;
}

/** One item of a queue, as stored. */
export interface WorkItem<P = unknown> {
  queue: string;
  key: string;
  payload: P;
  /** UTC ISO time the item is (or was) due. */
  dueAt: string;
  state: WorkState;
  /** How many times the item has been claimed, a crashed worker's claim included. */
  attempts: number;
  /** The reason given to the last `retry` or `deadLetter`, or `null`. */
  lastError: string | null;
  /** The worker that holds the item while `claimed`, otherwise `null`. */
  owner: string | null;
  /** When the current lease ends, while `claimed`; otherwise `null`. */
  leaseExpiresAt: string | null;
  /** Rises with every claim and every replacement: the fencing token of the current holder. */
  token: number;
  /** UTC ISO time the item was first scheduled. */
  createdAt: string;
}

/** What a worker holds after {@link WorkQueue.claim}: the item and the token that fences it. */
export interface ClaimedWork<P = unknown> extends WorkItem<P> {
  state: 'claimed';
  owner: string;
  leaseExpiresAt: string;
}

/**
 * Names a claimed item in `complete`, `retry`, `deadLetter`, `release` and `extend`. Passing the
 * whole {@link ClaimedWork} works. The call is refused (`CONFLICT`) unless the item is still
 * held with this token and its lease has not ended.
 */
export interface WorkClaim {
  queue: string;
  key: string;
  token: number;
}

/** Options of {@link WorkQueue.claim}. */
export interface ClaimOptions {
  /** At most this many items (1 to 1,000). */
  limit: number;
  /** How long the lease lasts, in milliseconds (1 ms to 24 h). */
  leaseMs: number;
  /** Who claims: a worker id, for operators and for `owner`. */
  owner: string;
}

/** Counts of one queue, for operators. */
export interface QueueStats {
  queue: string;
  /** Waiting, due or not. */
  scheduled: number;
  /** Of the scheduled, those already due (and unclaimed) now. */
  due: number;
  /** Held by a worker (leases that have ended count here until re-claimed). */
  claimed: number;
  dead: number;
  /** Due time of the oldest scheduled item, or `null` when none is waiting. */
  oldestDueAt: string | null;
}

/** Which dead letters to list. */
export interface DeadLetterQuery {
  limit?: number;
  cursor?: string | null;
}

/**
 * Durable scheduled work: timers, retries, outboxes. An item has an idempotency key, a due time
 * and a JSON payload; workers claim due items under a lease and complete, retry or dead-letter
 * them, fenced by the token they were handed.
 *
 * Contract (proved by the conformance suite in `@cx/core/testing`):
 * - `schedule` is idempotent by (`queue`, `key`): see {@link ScheduleConflict}.
 * - `claim` hands out due items in due-time order (then key order) and never the same item to
 *   two claimers while its lease lasts; an item whose lease has ended is claimable again, in its
 *   place by due time.
 * - `complete`, `retry`, `deadLetter`, `release` and `extend` are refused with `CONFLICT` when
 *   the token is not the item's current one or the lease has ended.
 * - Time comes from the adapter's injected clock; nothing crosses workspaces.
 */
export interface WorkQueue {
  /** Schedules items (all or nothing); returns each item as it now stands, in input order. */
  schedule<P = unknown>(workspaceId: string, items: readonly ScheduleWorkInput<P>[]): Promise<WorkItem<P>[]>;
  /** Claims up to `limit` due items of `queue`, oldest due first. */
  claim<P = unknown>(workspaceId: string, queue: string, options: ClaimOptions): Promise<ClaimedWork<P>[]>;
  /** Removes a finished item; its key is free to be scheduled again. */
  complete(workspaceId: string, claim: WorkClaim): Promise<void>;
  /** Puts a failed item back, due again at `at`, remembering `error`. */
  retry(
    workspaceId: string,
    claim: WorkClaim,
    options: { at: string | Date | number; error: string },
  ): Promise<void>;
  /** Gives up on an item: it stays, `dead`, with `reason` as its last error. */
  deadLetter(workspaceId: string, claim: WorkClaim, options: { reason: string }): Promise<void>;
  /** Hands an item back unprocessed (a worker stopping): due as before, the attempt not counted. */
  release(workspaceId: string, claim: WorkClaim): Promise<void>;
  /** Lengthens a lease that is still held, for long work; returns the new lease end. */
  extend(workspaceId: string, claim: WorkClaim, options: { leaseMs: number }): Promise<string>;
  /** Removes a pending, claimed or dead item (a journey exit cancels its timers); `false` if none. */
  cancel(workspaceId: string, queue: string, key: string): Promise<boolean>;
  /** One item, or `null`. */
  get<P = unknown>(workspaceId: string, queue: string, key: string): Promise<WorkItem<P> | null>;
  /** Counts per queue and state, and the oldest waiting due time, for every queue with items. */
  stats(workspaceId: string): Promise<QueueStats[]>;
  /** Dead letters of a queue with their last error, oldest due first. */
  deadLetters<P = unknown>(
    workspaceId: string,
    queue: string,
    query?: DeadLetterQuery,
  ): Promise<Page<WorkItem<P>>>;
  /**
   * The earliest due time of an item of `queue` waiting to be claimed (ISO), or `null` when none
   * waits; a runner sleeps until then. Items whose lease ends become claimable again at that
   * moment without showing here: runners find them at their next poll.
   */
  nextDueAt(workspaceId: string, queue: string): Promise<string | null>;
}
