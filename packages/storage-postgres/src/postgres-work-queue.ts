import {
  assertWorkspaceId,
  type ClaimedWork,
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
  scheduledItem,
  type WorkItem,
  type WorkQueue,
} from '@cx/core';
import type { PoolClient } from 'pg';
import type { PostgresContext } from './context';
import { guard, isUniqueViolation } from './errors';
import { inTransaction, withRetry } from './transaction';

/** Something that runs a statement: the pool (autocommit) or a client inside a transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

interface WorkRow {
  queue: string;
  key: string;
  payload: string;
  due_at: string;
  lease_until: string | null;
  dead: boolean;
  attempts: number;
  last_error: string | null;
  owner: string | null;
  token: string;
  created_at: string;
}

const iso = (ms: number | string) => isoTime(Number(ms));

// bigint columns come back as text (pg's default), so they are read with Number().
const toItem = <P>(row: WorkRow): WorkItem<P> => ({
  queue: row.queue,
  key: row.key,
  payload: JSON.parse(row.payload) as P,
  dueAt: iso(row.due_at),
  state: row.dead ? 'dead' : row.lease_until !== null ? 'claimed' : 'scheduled',
  attempts: Number(row.attempts),
  lastError: row.last_error,
  owner: row.owner,
  leaseExpiresAt: !row.dead && row.lease_until !== null ? iso(row.lease_until) : null,
  token: Number(row.token),
  createdAt: iso(row.created_at),
});

const COLUMNS =
  'queue, key, payload, due_at::text AS due_at, lease_until::text AS lease_until, dead, attempts, last_error, owner, token::text AS token, created_at::text AS created_at';
const W_COLUMNS = COLUMNS.split(', ')
  .map((column) => `w.${column}`)
  .join(', ');

/** The statements `commit` runs inside its transaction, and the queue built on them. */
export interface PostgresWork {
  queue: WorkQueue;
  scheduleRows(
    client: Queryable,
    workspaceId: string,
    items: readonly ParsedSchedule[],
    now: number,
  ): Promise<WorkItem[]>;
  completeRows(
    client: Queryable,
    workspaceId: string,
    claims: readonly ParsedWorkClaim[],
    now: number,
  ): Promise<void>;
  cancelRows(
    client: Queryable,
    workspaceId: string,
    addresses: readonly { queue: string; key: string }[],
  ): Promise<void>;
}

/**
 * The {@link WorkQueue} on PostgreSQL: one row per item in `cx_work`. `claim` is one statement
 * that picks due rows with `FOR UPDATE SKIP LOCKED` and marks them claimed, so workers in many
 * processes claim side by side without waiting on each other or taking the same row. Fenced
 * calls are single statements guarded by token and lease end.
 */
export function postgresWork({ pool, clock, tables }: PostgresContext): PostgresWork {
  const work = tables.work;

  // Only what the caller cannot know comes back: which rows were written, and for a replaced
  // row its token and creation time. Everything else of the item is the input itself.
  const insertRows = (onConflict: string) =>
    `INSERT INTO ${work} AS w (workspace_id, queue, key, payload, due_at, attempts, token, created_at)
     SELECT $1, i.queue, i.key, i.payload, i.due, 0, 0, $5
     FROM unnest($2::text[], $3::text[], $4::text[], $6::bigint[]) AS i(queue, key, payload, due)
     ${onConflict}
     RETURNING w.queue, w.key, w.token::text AS token, w.created_at::text AS created_at`;
  const keepText = insertRows('ON CONFLICT (workspace_id, queue, key) DO NOTHING');
  // No ON CONFLICT, no RETURNING: a speculative insertion costs a quarter more per row, and a
  // batch of new keys (the usual case) needs neither. A taken key fails the whole statement.
  const insertNewText = `INSERT INTO ${work} (workspace_id, queue, key, payload, due_at, attempts, token, created_at)
     SELECT $1, i.queue, i.key, i.payload, i.due, 0, 0, $5
     FROM unnest($2::text[], $3::text[], $4::text[], $6::bigint[]) AS i(queue, key, payload, due)`;
  const replaceText = insertRows(`ON CONFLICT (workspace_id, queue, key) DO UPDATE SET
       payload = EXCLUDED.payload, due_at = EXCLUDED.due_at, lease_until = NULL, dead = false,
       attempts = 0, last_error = NULL, owner = NULL, token = w.token + 1`);

  const scheduleRows = async (
    client: Queryable,
    ws: string,
    items: readonly ParsedSchedule[],
    now: number,
  ) => {
    const address = (queue: string, key: string) => `${queue}\u0000${key}`;
    const written = new Map<string, { token: string; created_at: string }>();
    for (const mode of ['replace', 'keep'] as const) {
      // In (queue, key) order, so concurrent calls take the unique index's locks in one order.
      const picked = items
        .filter((item) => item.ifExists === mode)
        .sort((a, b) => compareKeys(a.queue, b.queue) || compareKeys(a.key, b.key));
      if (picked.length === 0) continue;
      const result = await client.query<{ queue: string; key: string; token: string; created_at: string }>(
        mode === 'replace' ? replaceText : keepText,
        [
          ws,
          picked.map((item) => item.queue),
          picked.map((item) => item.key),
          picked.map((item) => item.json),
          now,
          picked.map((item) => item.dueMs ?? now),
        ],
      );
      for (const row of result.rows) written.set(address(row.queue, row.key), row);
    }
    // Items kept as they were: read them back, one primary-key probe each.
    const kept = new Map<string, WorkRow>();
    const missing = items.filter((item) => !written.has(address(item.queue, item.key)));
    if (missing.length > 0) {
      const result = await client.query<WorkRow>(
        `SELECT w.* FROM unnest($2::text[], $3::text[]) AS i(queue, key)
         CROSS JOIN LATERAL (
           SELECT ${COLUMNS} FROM ${work} WHERE workspace_id = $1 AND queue = i.queue AND key = i.key LIMIT 1
         ) w`,
        [ws, missing.map((item) => item.queue), missing.map((item) => item.key)],
      );
      for (const row of result.rows) kept.set(address(row.queue, row.key), row);
    }
    return items.map((item): WorkItem => {
      const id = address(item.queue, item.key);
      const row = written.get(id);
      if (row === undefined) return toItem(kept.get(id)!);
      return scheduledItem(item, Number(row.token), Number(row.created_at), now);
    });
  };

  /** Deletes held items; any claim that no longer holds refuses the whole call. */
  const completeRows = async (
    client: Queryable,
    ws: string,
    claims: readonly ParsedWorkClaim[],
    now: number,
  ) => {
    if (claims.length === 0) return;
    // One primary-key probe per claim (LATERAL … LIMIT 1, the fence tested outside it so the
    // planner cannot pick another index): a queue's statistics are always stale, and a planner
    // that trusts them walks the claim index through every finished item instead.
    const result = await client.query<{ queue: string; key: string }>(
      `DELETE FROM ${work} w USING (
         SELECT row.ctid FROM unnest($2::text[], $3::text[], $4::bigint[]) AS c(queue, key, token)
         CROSS JOIN LATERAL (
           SELECT ctid, dead, token, lease_until FROM ${work}
           WHERE workspace_id = $1 AND queue = c.queue AND key = c.key
           LIMIT 1
         ) row
         WHERE NOT row.dead AND row.token = c.token AND row.lease_until > $5
       ) held WHERE w.ctid = held.ctid
       RETURNING w.queue, w.key`,
      [ws, claims.map((c) => c.queue), claims.map((c) => c.key), claims.map((c) => c.token), now],
    );

    const done = new Set(result.rows.map((row) => `${row.queue}\u0000${row.key}`));
    const lost = claims.find((claim) => !done.has(`${claim.queue}\u0000${claim.key}`));
    if (lost) throw leaseLost(lost);
  };

  const cancelRows = async (
    client: Queryable,
    ws: string,
    addresses: readonly { queue: string; key: string }[],
  ) => {
    if (addresses.length === 0) return;
    await client.query(
      `DELETE FROM ${work} w USING (
         SELECT found.ctid FROM unnest($2::text[], $3::text[]) AS c(queue, key)
         CROSS JOIN LATERAL (
           SELECT ctid FROM ${work} WHERE workspace_id = $1 AND queue = c.queue AND key = c.key LIMIT 1
         ) found
       ) found WHERE w.ctid = found.ctid`,
      [ws, addresses.map((a) => a.queue), addresses.map((a) => a.key)],
    );
  };

  /** Runs one fenced update; no row changed means the claim no longer holds. */
  const fenced = async (
    op: string,
    ws: string,
    claim: ParsedWorkClaim,
    set: string,
    extra: unknown[] = [],
  ) => {
    const result = await withRetry(op, () =>
      pool.query(
        `UPDATE ${work} SET ${set}
         WHERE workspace_id = $1 AND queue = $2 AND key = $3 AND NOT dead AND token = $4 AND lease_until > $5`,
        [ws, claim.queue, claim.key, claim.token, clock.now(), ...extra],
      ),
    );
    if (result.rowCount === 0) throw leaseLost(claim);
  };

  const queue: WorkQueue = {
    async schedule<P>(workspaceId: string, items: unknown) {
      const parsed = parseSchedule(workspaceId, items);
      if (parsed.length === 0) return [];
      const now = clock.now();
      if (parsed.every((item) => item.ifExists === 'keep')) {
        // The usual batch is all new keys: try the plain insert first. Outside a transaction a
        // failed statement leaves nothing behind, and the full path then sorts out the taken keys.
        const inserted = await withRetry('work.schedule', async () => {
          try {
            await pool.query(insertNewText, [
              workspaceId,
              parsed.map((item) => item.queue),
              parsed.map((item) => item.key),
              parsed.map((item) => item.json),
              now,
              parsed.map((item) => item.dueMs ?? now),
            ]);
            return true;
          } catch (error) {
            if (isUniqueViolation(error)) return false;
            throw error;
          }
        });
        if (inserted) return parsed.map((item) => scheduledItem<P>(item, 0, now, now));
      }
      const mixed = new Set(parsed.map((item) => item.ifExists)).size > 1;
      const rows = mixed
        ? await inTransaction(pool, 'work.schedule', (client) =>
            scheduleRows(client, workspaceId, parsed, now),
          )
        : await withRetry('work.schedule', () => scheduleRows(pool, workspaceId, parsed, now));
      return rows as WorkItem<P>[];
    },

    async claim<P>(workspaceId: string, queueName: string, options: unknown) {
      const q = parseClaimOptions(workspaceId, queueName, options);
      const now = clock.now();
      const result = await withRetry('work.claim', () =>
        pool.query<WorkRow>(
          // Joined back by ctid: the locked row itself, one TID probe each, whatever the
          // planner believes about the table's size (a queue's statistics are always stale).
          `WITH picked AS (
             SELECT ctid FROM ${work}
             WHERE workspace_id = $1 AND queue = $2 AND NOT dead AND due_at <= $3
               AND (lease_until IS NULL OR lease_until <= $3)
             ORDER BY due_at, key LIMIT $4
             FOR NO KEY UPDATE SKIP LOCKED
           )
           UPDATE ${work} w SET owner = $5, lease_until = $6, attempts = w.attempts + 1, token = w.token + 1
           FROM picked WHERE w.ctid = picked.ctid
           RETURNING ${W_COLUMNS}`,
          [workspaceId, q.queue, now, q.limit, q.owner, now + q.leaseMs],
        ),
      );
      // RETURNING has no order: put the items back in due order.
      return result.rows
        .sort((a, b) => Number(a.due_at) - Number(b.due_at) || compareKeys(a.key, b.key))
        .map((row) => toItem<P>(row) as ClaimedWork<P>);
    },

    async complete(workspaceId, claim) {
      const parsed = parseWorkClaim(workspaceId, claim);
      await withRetry('work.complete', () => completeRows(pool, workspaceId, [parsed], clock.now()));
    },

    async retry(workspaceId, claim, options) {
      const parsed = parseWorkClaim(workspaceId, claim);
      const { atMs, error } = parseRetry(options);
      await fenced(
        'work.retry',
        workspaceId,
        parsed,
        `due_at = $6, lease_until = NULL, last_error = $7, owner = NULL`,
        [atMs, error],
      );
    },

    async deadLetter(workspaceId, claim, options) {
      const parsed = parseWorkClaim(workspaceId, claim);
      const reason = parseDeadLetter(options);
      await fenced(
        'work.deadLetter',
        workspaceId,
        parsed,
        `dead = true, lease_until = NULL, last_error = $6, owner = NULL`,
        [reason],
      );
    },

    async release(workspaceId, claim) {
      const parsed = parseWorkClaim(workspaceId, claim);
      await fenced(
        'work.release',
        workspaceId,
        parsed,
        `lease_until = NULL, attempts = attempts - 1, owner = NULL`,
      );
    },

    async extend(workspaceId, claim, options) {
      const parsed = parseWorkClaim(workspaceId, claim);
      const until = clock.now() + parseExtend(options);
      await fenced('work.extend', workspaceId, parsed, 'lease_until = $6', [until]);
      return iso(until);
    },

    async cancel(workspaceId, queueName, key) {
      const address = parseWorkAddress(workspaceId, queueName, key);
      const result = await guard('work.cancel', () =>
        pool.query(`DELETE FROM ${work} WHERE workspace_id = $1 AND queue = $2 AND key = $3`, [
          workspaceId,
          address.queue,
          address.key,
        ]),
      );
      return (result.rowCount ?? 0) > 0;
    },

    async get<P>(workspaceId: string, queueName: string, key: string) {
      const address = parseWorkAddress(workspaceId, queueName, key);
      const result = await guard('work.get', () =>
        pool.query<WorkRow>(
          `SELECT ${COLUMNS} FROM ${work} WHERE workspace_id = $1 AND queue = $2 AND key = $3`,
          [workspaceId, address.queue, address.key],
        ),
      );
      return result.rows[0] ? toItem<P>(result.rows[0]) : null;
    },

    async stats(workspaceId) {
      assertWorkspaceId(workspaceId);
      const result = await guard('work.stats', () =>
        pool.query<Record<string, string | null>>(
          `SELECT queue,
             count(*) FILTER (WHERE NOT dead AND lease_until IS NULL) AS scheduled,
             count(*) FILTER (WHERE NOT dead AND lease_until IS NULL AND due_at <= $2) AS due,
             count(*) FILTER (WHERE NOT dead AND lease_until IS NOT NULL) AS claimed,
             count(*) FILTER (WHERE dead) AS dead,
             min(due_at) FILTER (WHERE NOT dead AND lease_until IS NULL) AS oldest
           FROM ${work} WHERE workspace_id = $1 GROUP BY queue ORDER BY queue`,
          [workspaceId, clock.now()],
        ),
      );
      return result.rows.map((row) => ({
        queue: row.queue!,
        scheduled: Number(row.scheduled),
        due: Number(row.due),
        claimed: Number(row.claimed),
        dead: Number(row.dead),
        oldestDueAt: row.oldest === null ? null : iso(row.oldest!),
      }));
    },

    async deadLetters<P>(workspaceId: string, queueName: string, query?: unknown) {
      const q = parseDeadLetterQuery(workspaceId, queueName, query);
      const after =
        q.cursor === null
          ? { dueMs: Number.MIN_SAFE_INTEGER, key: '' }
          : (decodeCursor(q.cursor, { dueMs: 'number', key: 'string' }) as { dueMs: number; key: string });
      const result = await guard('work.deadLetters', () =>
        pool.query<WorkRow>(
          `SELECT ${COLUMNS} FROM ${work}
           WHERE workspace_id = $1 AND queue = $2 AND dead AND (due_at, key) > ($3::bigint, $4::text)
           ORDER BY due_at, key LIMIT $5`,
          [workspaceId, q.queue, after.dueMs, after.key, q.limit + 1],
        ),
      );
      const page = result.rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((row) => toItem<P>(row)),
        nextCursor:
          result.rows.length > q.limit && last
            ? encodeCursor({ dueMs: Number(last.due_at), key: last.key })
            : null,
      };
    },

    async nextDueAt(workspaceId, queueName) {
      const name = parseQueueName(workspaceId, queueName);
      const result = await guard('work.nextDueAt', () =>
        pool.query<{ next: string | null }>(
          `SELECT min(due_at)::text AS next FROM ${work}
           WHERE workspace_id = $1 AND queue = $2 AND NOT dead AND lease_until IS NULL`,
          [workspaceId, name],
        ),
      );
      const next = result.rows[0]?.next ?? null;
      return next === null ? null : iso(next);
    },
  } as WorkQueue;

  return { queue, scheduleRows, completeRows, cancelRows };
}
