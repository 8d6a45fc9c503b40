import {
  type CxEvent,
  decodeCursor,
  type EventStore,
  encodeCursor,
  finishAppend,
  parseId,
  parseIds,
  parseProfileEventsQuery,
  parseScanQuery,
  prepareAppend,
  ValidationError,
} from '@cx/core';
import type { PostgresContext } from './context';
import { guard } from './errors';
import { withRetry } from './transaction';
import { rejectUnstorable } from './unstorable-text';

interface EventRow {
  seq: string | number;
  ts?: string | number;
  body: string;
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

// Bodies are read as text and parsed here, so type parsers the application set on `pg` for
// jsonb or int8 cannot change what the store returns.
const toEvent = (row: EventRow) => JSON.parse(row.body) as CxEvent;

/**
 * The PostgreSQL {@link EventStore}: one row per event in `cx_events`, deduplicated by the
 * primary key (workspace_id, message_id).
 *
 * Append order is the `seq` identity column. Identity values are handed out when rows are
 * inserted but become visible when their transaction commits, so with several concurrent
 * writers a `scan` may see seq 11 before seq 10 commits, and a reader whose cursor already
 * passed 10 will not see it. As long as appends to a workspace do not overlap in time, `scan`
 * order is exactly append order, as in the reference store. See the README.
 */
export function postgresEventStore({ pool, tables }: PostgresContext): EventStore {
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

  return {
    async append(workspaceId, batch) {
      const checked = prepareAppend(workspaceId, batch);
      const { prepared, json } = rejectUnstorable(
        checked,
        checked.events.map((event) => JSON.stringify(event)),
        batch,
      );
      if (prepared.events.length === 0) return finishAppend(prepared, () => false);
      const params = [workspaceId, prepared.timestamps, `[${json.join(',')}]`];
      const result = await withRetry('events.append', () =>
        pool.query<{ message_id: string }>(insertBatch, params),
      );
      const inserted = new Set(result.rows.map((row) => row.message_id));
      return finishAppend(prepared, (event) => inserted.has(event.messageId));
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
      const afterSeq = q.cursor === null ? 0 : positionOf(q.cursor, ['seq']).seq;
      const params: unknown[] = [workspaceId, afterSeq, q.limit + 1];
      const typeFilter = q.types === null ? '' : `AND type = ANY($${params.push(q.types)}::text[])`;
      const result = await guard('events.scan', () =>
        pool.query<EventRow>(
          `SELECT seq, body::text AS body FROM ${events}
           WHERE workspace_id = $1 AND seq > $2 ${typeFilter}
           ORDER BY seq LIMIT $3`,
          params,
        ),
      );
      const page = result.rows.slice(0, q.limit);
      return {
        items: page.map(toEvent),
        nextCursor:
          result.rows.length > q.limit ? encodeCursor({ seq: Number(page[page.length - 1]!.seq) }) : null,
      };
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
}
