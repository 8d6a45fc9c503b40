import {
  assertWorkspaceId,
  type ClaimedWork,
  type Clock,
  compareKeys,
  decodeCursor,
  encodeCursor,
  isoTime,
  leaseLost,
  type ParsedSchedule,
  type ParsedWorkClaim,
  parseClaimOptions,
  parseDeadLetter,
  parseDeadLetterQuery,
  parseExtend,
  parseQueueName,
  parseRetry,
  parseSchedule,
  parseWorkAddress,
  parseWorkClaim,
  type QueueStats,
  scheduledItem,
  type WorkItem,
  type WorkQueue,
  type WorkState,
} from '@cx/core';
import type { Database } from 'better-sqlite3';
import { guard } from './adapter-error';
import { prepare } from './prepare';

interface WorkRow {
  queue: string;
  key: string;
  payload: string;
  due_at: number;
  lease_until: number | null;
  dead: number;
  attempts: number;
  last_error: string | null;
  owner: string | null;
  token: number;
  created_at: number;
}

/** What a write returns: only what the caller cannot know from its input. */
interface Written {
  token: number;
  created_at: number;
}

const iso = isoTime;

/** An item's state, from the columns it is derived from. */
const stateOf = (row: { dead: number; lease_until: number | null }): WorkState =>
  row.dead !== 0 ? 'dead' : row.lease_until !== null ? 'claimed' : 'scheduled';

const toItem = <P>(row: WorkRow): WorkItem<P> => ({
  queue: row.queue,
  key: row.key,
  payload: JSON.parse(row.payload) as P,
  dueAt: iso(row.due_at),
  state: stateOf(row),
  attempts: row.attempts,
  lastError: row.last_error,
  owner: row.owner,
  leaseExpiresAt: row.dead === 0 && row.lease_until !== null ? iso(row.lease_until) : null,
  token: row.token,
  createdAt: iso(row.created_at),
});

const COLUMNS =
  'queue, key, payload, due_at, lease_until, dead, attempts, last_error, owner, token, created_at';
/** Matches a claim that still holds: same token, not dead, lease not ended. */
const HELD = `workspace_id = @ws AND queue = @queue AND key = @key AND dead = 0 AND token = @token AND lease_until > @now`;

/** The queue and the steps `commit` runs inside its own transaction. */
export interface SqliteWork {
  queue: WorkQueue;
  scheduleRows(workspaceId: string, items: readonly ParsedSchedule[], now: number): WorkItem[];
  completeRow(workspaceId: string, claim: ParsedWorkClaim, now: number): void;
  cancelRow(workspaceId: string, queue: string, key: string): boolean;
}

/**
 * The {@link WorkQueue} on SQLite: one row per item in `cx_work`. A claim selects the due rows
 * and marks them claimed inside one immediate transaction, so it holds the database's write
 * lock throughout: two connections, in one process or two, never claim the same row.
 */
export function sqliteWork(db: Database, { clock }: { clock: Clock }): SqliteWork {
  // A new row's token (0) and creation time (now) are known: only its change count is read.
  const insertIfAbsent = prepare<[Record<string, unknown>]>(
    db,
    `INSERT INTO cx_work (workspace_id, queue, key, payload, due_at, attempts, token, created_at)
     VALUES (@ws, @queue, @key, @payload, @due, 0, 0, @now)
     ON CONFLICT (workspace_id, queue, key) DO NOTHING`,
  );
  const upsertReplace = prepare<[Record<string, unknown>], Written>(
    db,
    `INSERT INTO cx_work (workspace_id, queue, key, payload, due_at, attempts, token, created_at)
     VALUES (@ws, @queue, @key, @payload, @due, 0, 0, @now)
     ON CONFLICT (workspace_id, queue, key) DO UPDATE SET
       payload = excluded.payload, due_at = excluded.due_at, lease_until = NULL, dead = 0,
       attempts = 0, last_error = NULL, owner = NULL, token = token + 1
     RETURNING token, created_at`,
  );
  const selectOne = prepare<[{ ws: string; queue: string; key: string }], WorkRow>(
    db,
    `SELECT ${COLUMNS} FROM cx_work WHERE workspace_id = @ws AND queue = @queue AND key = @key`,
  );
  // Claimable: not dead, due, and not held (never claimed, or its lease has ended). One
  // statement picks them in due order and marks them; the immediate transaction around it holds
  // the write lock, so no other connection can pick the same rows.
  const markClaimed = prepare<[Record<string, unknown>], WorkRow>(
    db,
    `UPDATE cx_work SET owner = @owner, lease_until = @until, attempts = attempts + 1, token = token + 1
     WHERE workspace_id = @ws AND queue = @queue AND key IN (
       SELECT key FROM cx_work INDEXED BY cx_work_due
       WHERE workspace_id = @ws AND queue = @queue AND dead = 0 AND due_at <= @now
         AND (lease_until IS NULL OR lease_until <= @now)
       ORDER BY due_at, key LIMIT @limit)
     RETURNING ${COLUMNS}`,
  );
  const deleteHeld = prepare(db, `DELETE FROM cx_work WHERE ${HELD}`);
  const retryHeld = prepare(
    db,
    `UPDATE cx_work SET due_at = @at, lease_until = NULL, last_error = @error, owner = NULL WHERE ${HELD}`,
  );
  const deadHeld = prepare(
    db,
    `UPDATE cx_work SET dead = 1, lease_until = NULL, last_error = @error, owner = NULL WHERE ${HELD}`,
  );
  const releaseHeld = prepare(
    db,
    `UPDATE cx_work SET lease_until = NULL, attempts = attempts - 1, owner = NULL WHERE ${HELD}`,
  );
  const extendHeld = prepare(db, `UPDATE cx_work SET lease_until = @until WHERE ${HELD}`);
  const deleteOne = prepare(
    db,
    'DELETE FROM cx_work WHERE workspace_id = @ws AND queue = @queue AND key = @key',
  );
  const selectStats = prepare<[{ ws: string; now: number }], QueueStats & { oldest: number | null }>(
    db,
    `SELECT queue,
       sum(dead = 0 AND lease_until IS NULL) AS scheduled,
       sum(dead = 0 AND lease_until IS NULL AND due_at <= @now) AS due,
       sum(dead = 0 AND lease_until IS NOT NULL) AS claimed,
       sum(dead <> 0) AS dead,
       min(CASE WHEN dead = 0 AND lease_until IS NULL THEN due_at END) AS oldest
     FROM cx_work WHERE workspace_id = @ws GROUP BY queue ORDER BY queue`,
  );
  const selectDead = prepare<[Record<string, unknown>], WorkRow>(
    db,
    `SELECT ${COLUMNS} FROM cx_work
     WHERE workspace_id = @ws AND queue = @queue AND dead <> 0 AND (due_at, key) > (@due, @key)
     ORDER BY due_at, key LIMIT @limit`,
  );
  const selectNext = prepare<[{ ws: string; queue: string }], number | null>(
    db,
    `SELECT min(due_at) FROM cx_work INDEXED BY cx_work_due
     WHERE workspace_id = @ws AND queue = @queue AND dead = 0 AND lease_until IS NULL`,
  ).pluck();

  /** Writes items; a written row's item is its input, so only a kept one is read back. */
  const scheduleRows = (ws: string, items: readonly ParsedSchedule[], now: number) =>
    items.map((item): WorkItem => {
      const due = item.dueMs ?? now;
      const params = { ws, queue: item.queue, key: item.key, payload: item.json, due, now };
      const written =
        item.ifExists === 'replace'
          ? upsertReplace.get(params)!
          : insertIfAbsent.run(params).changes === 1
            ? { token: 0, created_at: now }
            : undefined;
      if (written === undefined) return toItem(selectOne.get({ ws, queue: item.queue, key: item.key })!);
      return scheduledItem(item, written.token, written.created_at, now);
    });

  /** Runs a fenced statement; no row changed means the claim no longer holds. */
  const fenced =
    (statement: { run(params: Record<string, unknown>): { changes: number } }) =>
    (ws: string, claim: ParsedWorkClaim, extra: Record<string, unknown> = {}) => {
      const now = clock.now();
      if (statement.run({ ws, ...claim, now, ...extra }).changes === 0) throw leaseLost(claim);
    };
  const completeFenced = fenced(deleteHeld);

  const schedule = db.transaction((ws: string, items: ParsedSchedule[]) =>
    scheduleRows(ws, items, clock.now()),
  );
  const claim = db.transaction((ws: string, q: ReturnType<typeof parseClaimOptions>) => {
    const now = clock.now();
    const rows = markClaimed.all({
      ws,
      queue: q.queue,
      now,
      limit: q.limit,
      owner: q.owner,
      until: now + q.leaseMs,
    });
    // RETURNING has no order: put the rows back in due order.
    return rows.sort((a, b) => a.due_at - b.due_at || compareKeys(a.key, b.key));
  });

  const queue: WorkQueue = {
    async schedule<P>(workspaceId: string, items: unknown) {
      return guard('work.schedule', () => {
        const parsed = parseSchedule(workspaceId, items);
        return schedule.immediate(workspaceId, parsed) as WorkItem<P>[];
      });
    },
    async claim<P>(workspaceId: string, queueName: string, options: unknown) {
      return guard('work.claim', () => {
        const q = parseClaimOptions(workspaceId, queueName, options);
        return claim.immediate(workspaceId, q).map((row) => toItem<P>(row) as ClaimedWork<P>);
      });
    },
    async complete(workspaceId, claimed) {
      guard('work.complete', () => completeFenced(workspaceId, parseWorkClaim(workspaceId, claimed)));
    },
    async retry(workspaceId, claimed, options) {
      guard('work.retry', () => {
        const parsed = parseWorkClaim(workspaceId, claimed);
        const { atMs, error } = parseRetry(options);
        fenced(retryHeld)(workspaceId, parsed, { at: atMs, error });
      });
    },
    async deadLetter(workspaceId, claimed, options) {
      guard('work.deadLetter', () => {
        const parsed = parseWorkClaim(workspaceId, claimed);
        fenced(deadHeld)(workspaceId, parsed, { error: parseDeadLetter(options) });
      });
    },
    async release(workspaceId, claimed) {
      guard('work.release', () => fenced(releaseHeld)(workspaceId, parseWorkClaim(workspaceId, claimed)));
    },
    async extend(workspaceId, claimed, options) {
      return guard('work.extend', () => {
        const parsed = parseWorkClaim(workspaceId, claimed);
        const until = clock.now() + parseExtend(options);
        fenced(extendHeld)(workspaceId, parsed, { until });
        return iso(until);
      });
    },
    async cancel(workspaceId, queueName, key) {
      return guard('work.cancel', () => {
        const address = parseWorkAddress(workspaceId, queueName, key);
        return deleteOne.run({ ws: workspaceId, ...address }).changes > 0;
      });
    },
    async get<P>(workspaceId: string, queueName: string, key: string) {
      return guard('work.get', () => {
        const address = parseWorkAddress(workspaceId, queueName, key);
        const row = selectOne.get({ ws: workspaceId, ...address });
        return row ? toItem<P>(row) : null;
      });
    },
    async stats(workspaceId) {
      return guard('work.stats', () => {
        assertWorkspaceId(workspaceId);
        return selectStats.all({ ws: workspaceId, now: clock.now() }).map(({ oldest, ...counts }) => ({
          ...counts,
          oldestDueAt: oldest === null ? null : iso(oldest),
        }));
      });
    },
    async deadLetters<P>(workspaceId: string, queueName: string, query?: unknown) {
      return guard('work.deadLetters', () => {
        const q = parseDeadLetterQuery(workspaceId, queueName, query);
        const after =
          q.cursor === null
            ? { dueMs: Number.MIN_SAFE_INTEGER, key: '' }
            : (decodeCursor(q.cursor, { dueMs: 'number', key: 'string' }) as { dueMs: number; key: string });
        const rows = selectDead.all({
          ws: workspaceId,
          queue: q.queue,
          due: after.dueMs,
          key: after.key,
          limit: q.limit + 1,
        });
        const page = rows.slice(0, q.limit);
        const last = page[page.length - 1];
        return {
          items: page.map((row) => toItem<P>(row)),
          nextCursor:
            rows.length > q.limit && last ? encodeCursor({ dueMs: last.due_at, key: last.key }) : null,
        };
      });
    },
    async nextDueAt(workspaceId, queueName) {
      return guard('work.nextDueAt', () => {
        const next = selectNext.get({ ws: workspaceId, queue: parseQueueName(workspaceId, queueName) });
        return next === null || next === undefined ? null : iso(next);
      });
    },
  } as WorkQueue;

  return {
    queue,
    scheduleRows,
    completeRow: (ws, claimed) => completeFenced(ws, claimed),
    cancelRow: (ws, queueName, key) => deleteOne.run({ ws, queue: queueName, key }).changes > 0,
  };
}
