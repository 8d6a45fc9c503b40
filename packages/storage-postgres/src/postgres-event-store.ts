import {
  type AppendResult,
  type CxEvent,
  decodeCursor,
  type EventStore,
  encodeCursor,
  finishAppend,
  type PreparedAppend,
  parseId,
  parseIds,
  parseLogPosition,
  parseProfileEventsQuery,
  parseReadLog,
  parseScanQuery,
  prepareAppend,
  ValidationError,
} from '@cx/core';
import type { PostgresContext } from './context';
import { guard } from './errors';
import type { Queryable } from './postgres-work-queue';
import { withRetry } from './transaction';
import { rejectUnstorable } from './unstorable-text';

interface EventRow {
  seq: string | number;
  ts?: string | number;
  body: string;
}

/** A `scan` row: `tx` is `tx_id` as text, so no `pg` type parser can round it. */
interface ScanRow extends EventRow {
  tx: string;
}

/**
 * Decodes a cursor and checks its positions are integers, as every cursor this store makes is;
 * anything else could not be compared with the bigint columns.
 */
function positionOf<K extends string>(cursor: string, keys: readonly K[]): Record<K, number> {
  const decoded = decodeCursor(cursor, Object.fromEntries(keys.map((key) => [key, 'number'])));
  for (const key of keys) {
    if (!Number.isSafeInteger(decoded[key])) {
      throw new ValidationError(`Invalid cursor: ${key} is not a position of this store`, [
        { path: 'cursor', message: `Cursor ${key} is not an integer`, code: 'invalid_cursor' },
      ]);
    }
  }
  return decoded as Record<K, number>;
}

/**
 * Where a `scan` cursor points. `{ tx, seq }` is the (`tx_id`, `seq`) of the last row returned;
 * `tx` is a decimal string because `xid8` is an unsigned 64-bit integer. A cursor holding only
 * `seq` was made before migration 5, when `scan` paged by `seq` alone: every row from before the
 * migration shares one `tx_id` and every later row has a higher one, so "rows with a higher seq"
 * is still exactly what followed it.
 */
interface ScanPosition {
  tx: string | null;
  seq: number;
}

function scanPositionOf(cursor: string): ScanPosition {
  const { seq } = positionOf(cursor, ['seq']);
  const { tx } = decodeCursor(cursor, {});
  if (tx === undefined) return { tx: null, seq };
  if (typeof tx !== 'string' || !/^[0-9]{1,20}$/.test(tx)) {
    throw new ValidationError('Invalid cursor: tx is not a position of this store', [
      { path: 'cursor', message: 'Cursor tx is not a transaction id', code: 'invalid_cursor' },
    ]);
  }
  return { tx, seq };
}

/**
 * The WHERE clause of a read that follows the log: rows `scan` may return (older than every
 * transaction in progress) after a position, in (`tx_id`, `seq`) order. The xmin and the
 * visibility of the rows come from the same statement snapshot, so every row of a transaction
 * older than xmin that will ever commit is already visible here.
 */
function visibleAfter(workspaceId: string, position: string | null): { where: string; params: unknown[] } {
  const params: unknown[] = [workspaceId];
  const where = ['workspace_id = $1', 'tx_id < pg_snapshot_xmin(pg_current_snapshot())'];
  const after = position === null ? null : scanPositionOf(position);
  if (after !== null) {
    where.push(
      after.tx === null
        ? `seq > $${params.push(after.seq)}::bigint`
        : `(tx_id, seq) > ($${params.push(after.tx)}::xid8, $${params.push(after.seq)}::bigint)`,
    );
  }
  return { where: where.join(' AND '), params };
}

// Bodies are read as text and parsed here, so type parsers the application set on `pg` for
// jsonb or int8 cannot change what the store returns.
const toEvent = (row: EventRow) => JSON.parse(row.body) as CxEvent;

/**
 * The PostgreSQL {@link EventStore}: one row per event in `cx_events`, deduplicated by the
 * primary key (workspace_id, message_id).
 *
 * Append order is (`tx_id`, `seq`): the id of the writing transaction, then the identity
 * column. Ordering by `seq` alone cannot make a cursor safe, because identity values are handed
 * out row by row while rows become visible when their transaction commits: two batches appended
 * at once interleave their `seq` values, so one may commit with seq 10 and 12 while the other,
 * holding seq 11, is still running; when the committed one is the older transaction, even the
 * xmin filter below lets 10 and 12 through, and a reader at 12 would never see 11. `scan`
 * therefore only returns rows whose transaction is older than every transaction still in
 * progress (`tx_id < pg_snapshot_xmin(pg_current_snapshot())`), and pages in (`tx_id`, `seq`)
 * order. Every row that may still appear belongs to a transaction in progress now or not yet
 * begun, whose id is at least that xmin, so it sorts after every row `scan` has returned: a
 * cursor never skips a row. Within one append, and between appends that follow one another,
 * this is exactly the order of the calls.
 *
 * The cost: a row becomes visible to `scan` only once every older transaction has finished, and
 * xmin is cluster-wide, so a long transaction that has written anything, in any database of the
 * server, holds back `scan` (not `get` or `listByProfile`) until it ends. See the README.
 */
export function postgresEventStore({ pool, tables }: PostgresContext): {
  store: EventStore;
  insert(
    db: Queryable,
    workspaceId: string,
    prepared: PreparedAppend,
    raw: readonly unknown[],
  ): Promise<AppendResult>;
} {
  const { events } = tables;

  // One statement per batch. The bodies travel as one JSON array (the driver would otherwise
  // escape every body as an array element, which costs more than the insert); the key columns
  // are read out of each body by the server, and timestamps come alongside in a bigint array,
  // zipped row by row by ROWS FROM.
  const insertBatch = `
    INSERT INTO ${events} (workspace_id, message_id, type, ts, profile_id, body)
    SELECT $1, u.body->>'messageId', u.body->>'type', u.ts, u.body->>'profileId', u.body
    FROM ROWS FROM (unnest($2::bigint[]), jsonb_array_elements($3::jsonb)) WITH ORDINALITY AS u(ts, body, n)
    ORDER BY u.n
    ON CONFLICT (workspace_id, message_id) DO NOTHING
    RETURNING message_id`;

  /** Stores a validated batch's new events with one statement on `db` (a pool or a commit's client). */
  const insert = async (
    db: Queryable,
    workspaceId: string,
    checked: PreparedAppend,
    raw: readonly unknown[],
  ) => {
    const { prepared, json } = rejectUnstorable(
      checked,
      checked.events.map((event) => JSON.stringify(event)),
      raw,
    );
    if (prepared.events.length === 0) return finishAppend(prepared, () => false);
    const params = [workspaceId, prepared.timestamps, `[${json.join(',')}]`];
    const result = await db.query<{ message_id: string }>(insertBatch, params);
    const inserted = new Set(result.rows.map((row) => row.message_id));
    return finishAppend(prepared, (event) => inserted.has(event.messageId));
  };

  const store: EventStore = {
    async append(workspaceId, batch) {
      const checked = prepareAppend(workspaceId, batch);
      return withRetry('events.append', () => insert(pool, workspaceId, checked, batch as unknown[]));
    },

    async get(workspaceId, messageId) {
      const id = parseId(workspaceId, messageId, 'messageId');
      const result = await guard('events.get', () =>
        pool.query<{ body: string }>(
          `SELECT body::text AS body FROM ${events} WHERE workspace_id = $1 AND message_id = $2`,
          [workspaceId, id],
        ),
      );
      const row = result.rows[0];
      return row ? (JSON.parse(row.body) as CxEvent) : null;
    },

    async listByProfile(workspaceId, query) {
      const q = parseProfileEventsQuery(workspaceId, query);
      const after = q.cursor === null ? null : positionOf(q.cursor, ['ts', 'seq']);
      if (q.profileIds.length === 0) return { items: [], nextCursor: null };
      const params: unknown[] = [workspaceId, q.profileIds];
      const where = ['workspace_id = $1', 'profile_id = ANY($2::text[])'];
      const bind = (value: unknown) => `$${params.push(value)}`;
      if (Number.isFinite(q.fromMs)) where.push(`ts >= ${bind(q.fromMs)}`);
      if (Number.isFinite(q.toMs)) where.push(`ts < ${bind(q.toMs)}`);
      const direction = q.order === 'asc' ? 'ASC' : 'DESC';
      if (after !== null) {
        where.push(
          `(ts, seq) ${q.order === 'asc' ? '>' : '<'} (${bind(after.ts)}::bigint, ${bind(after.seq)}::bigint)`,
        );
      }
      // One row more than the page tells whether another page follows.
      const text = `
        SELECT seq, ts, body::text AS body FROM ${events}
        WHERE ${where.join(' AND ')}
        ORDER BY ts ${direction}, seq ${direction}
        LIMIT ${bind(q.limit + 1)}`;
      const result = await guard('events.listByProfile', () => pool.query<EventRow>(text, params));
      const page = result.rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toEvent),
        nextCursor:
          last && result.rows.length > q.limit
            ? encodeCursor({ ts: Number(last.ts), seq: Number(last.seq) })
            : null,
      };
    },

    async scan(workspaceId, query) {
      const q = parseScanQuery(workspaceId, query);
      const visible = visibleAfter(workspaceId, q.cursor);
      const params = visible.params;
      const bind = (value: unknown) => `$${params.push(value)}`;
      const where = [visible.where];
      if (q.types !== null) where.push(`type = ANY(${bind(q.types)}::text[])`);
      if (Number.isFinite(q.fromMs)) where.push(`ts >= ${bind(q.fromMs)}::bigint`);
      if (Number.isFinite(q.toMs)) where.push(`ts < ${bind(q.toMs)}::bigint`);
      const result = await guard('events.scan', () =>
        pool.query<ScanRow>(
          `SELECT seq, tx_id::text AS tx, body::text AS body FROM ${events}
           WHERE ${where.join(' AND ')}
           ORDER BY tx_id, seq LIMIT ${bind(q.limit + 1)}`,
          params,
        ),
      );
      const page = result.rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toEvent),
        nextCursor:
          last && result.rows.length > q.limit ? encodeCursor({ tx: last.tx, seq: Number(last.seq) }) : null,
      };
    },

    async readLog(workspaceId, query) {
      const q = parseReadLog(workspaceId, query);
      const { where, params } = visibleAfter(workspaceId, q.after);
      const result = await guard('events.readLog', () =>
        pool.query<ScanRow>(
          `SELECT seq, tx_id::text AS tx, body::text AS body FROM ${events}
           WHERE ${where} ORDER BY tx_id, seq LIMIT $${params.push(q.limit)}`,
          params,
        ),
      );
      const last = result.rows[result.rows.length - 1];
      return {
        items: result.rows.map(toEvent),
        position: last ? encodeCursor({ tx: last.tx, seq: Number(last.seq) }) : q.after,
      };
    },

    async logHead(workspaceId) {
      parseLogPosition(workspaceId, null);
      const { where, params } = visibleAfter(workspaceId, null);
      const result = await guard('events.logHead', () =>
        pool.query<{ tx: string; seq: string }>(
          `SELECT tx_id::text AS tx, seq FROM ${events} WHERE ${where} ORDER BY tx_id DESC, seq DESC LIMIT 1`,
          params,
        ),
      );
      const last = result.rows[0];
      return last ? encodeCursor({ tx: last.tx, seq: Number(last.seq) }) : null;
    },

    async countAfter(workspaceId, position) {
      const { where, params } = visibleAfter(workspaceId, parseLogPosition(workspaceId, position));
      const result = await guard('events.countAfter', () =>
        pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${events} WHERE ${where}`, params),
      );
      return Number(result.rows[0]!.n);
    },

    async deleteByProfile(workspaceId, profileIds) {
      const ids = parseIds(workspaceId, profileIds, 'profile ids');
      if (ids.length === 0) return 0;
      const result = await guard('events.deleteByProfile', () =>
        pool.query(`DELETE FROM ${events} WHERE workspace_id = $1 AND profile_id = ANY($2::text[])`, [
          workspaceId,
          ids,
        ]),
      );
      return result.rowCount ?? 0;
    },
  };
  return { store, insert };
}
