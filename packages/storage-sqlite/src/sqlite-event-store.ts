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
} from '@cx/core';
import type { Database } from 'better-sqlite3';
import { guard } from './adapter-error';
import { prepare } from './prepare';

interface EventRow {
  seq: number;
  ts: number;
  body: string;
}

const toEvent = (row: EventRow) => JSON.parse(row.body) as CxEvent;

/**
 * The {@link EventStore} on SQLite. Behaves exactly like the in-memory reference: scan pages by
 * `seq` (append order), listByProfile by `(ts, seq)`, cursors in the same encoding.
 */
export function sqliteEventStore(db: Database): {
  store: EventStore;
  insert(workspaceId: string, prepared: PreparedAppend): AppendResult;
} {
  // Statements are prepared once: preparing is the costly part of a better-sqlite3 call.
  const insert = prepare<[string, string, string, number, string | null, string]>(
    db,
    `INSERT INTO cx_events (workspace_id, message_id, type, ts, profile_id, body)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (workspace_id, message_id) DO NOTHING`,
  );
  const selectBody = prepare<[string, string], string>(
    db,
    'SELECT body FROM cx_events WHERE workspace_id = ? AND message_id = ?',
  ).pluck();
  const scanAll = prepare<[string, number, number], EventRow>(
    db,
    `SELECT seq, ts, body FROM cx_events
     WHERE workspace_id = ? AND seq > ?
     ORDER BY seq LIMIT ?`,
  );
  const lastSeq = prepare<[string], number | null>(
    db,
    'SELECT max(seq) FROM cx_events WHERE workspace_id = ?',
  ).pluck();
  const countSince = prepare<[string, number], number>(
    db,
    'SELECT count(*) FROM cx_events WHERE workspace_id = ? AND seq > ?',
  ).pluck();
  const scanTypes = prepare<[string, number, string, number], EventRow>(
    db,
    `SELECT seq, ts, body FROM cx_events
     WHERE workspace_id = ? AND seq > ? AND type IN (SELECT value FROM json_each(?))
     ORDER BY seq LIMIT ?`,
  );
  // Time bounds as numbers: -Infinity and Infinity bind as SQLite's -Inf and Inf REALs, which
  // compare below and above every integer ts.
  const scanFiltered = prepare<
    [string, number, string | null, string | null, number, number, number],
    EventRow
  >(
    db,
    `SELECT seq, ts, body FROM cx_events
     WHERE workspace_id = ? AND seq > ?
       AND (? IS NULL OR type IN (SELECT value FROM json_each(?)))
       AND ts >= ? AND ts < ?
     ORDER BY seq LIMIT ?`,
  );
  // `profile_id IS NOT NULL` lets SQLite use the partial profile index. One profile (the common
  // case) gets its own statement: with `=` the index already yields (ts, seq) order, so a page
  // costs `limit` rows, where an IN list makes SQLite sort every match in the range.
  const byProfile = (profiles: '= ?' | 'IN (SELECT value FROM json_each(?))', order: 'ASC' | 'DESC') =>
    prepare<[string, string, number, number, number, number, number], EventRow>(
      db,
      `SELECT seq, ts, body FROM cx_events
       WHERE workspace_id = ? AND profile_id IS NOT NULL AND profile_id ${profiles}
         AND ts >= ? AND ts < ? AND (ts, seq) ${order === 'ASC' ? '>' : '<'} (?, ?)
       ORDER BY ts ${order}, seq ${order} LIMIT ?`,
    );
  const byProfileStatements = {
    one: { asc: byProfile('= ?', 'ASC'), desc: byProfile('= ?', 'DESC') },
    many: {
      asc: byProfile('IN (SELECT value FROM json_each(?))', 'ASC'),
      desc: byProfile('IN (SELECT value FROM json_each(?))', 'DESC'),
    },
  };
  const deleteProfiles = prepare<[string, string]>(
    db,
    `DELETE FROM cx_events
     WHERE workspace_id = ? AND profile_id IS NOT NULL AND profile_id IN (SELECT value FROM json_each(?))`,
  );

  // One transaction per batch: one commit (lock, WAL append) per batch instead of per event.
  const insertRows = (workspaceId: string, prepared: PreparedAppend) => {
    const { events, timestamps } = prepared;
    const inserted = new Uint8Array(events.length);
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      inserted[index] = insert.run(
        workspaceId,
        event.messageId,
        event.type,
        timestamps[index]!,
        event.profileId ?? null,
        JSON.stringify(event),
      ).changes;
    }
    return inserted;
  };
  const insertBatch = db.transaction(insertRows);

  /**
   * Stores a validated batch's new events inside a commit's transaction: the bare statements, no
   * savepoint (whose sub-journal copies every page it touches).
   */
  const insertPrepared = (workspaceId: string, prepared: PreparedAppend): AppendResult => {
    if (prepared.events.length === 0) return finishAppend(prepared, () => false);
    const inserted = insertRows(workspaceId, prepared);
    return finishAppend(prepared, (_event, index) => inserted[index] === 1);
  };

  const store: EventStore = {
    async append(workspaceId, batch) {
      return guard('events.append', () => {
        const prepared = prepareAppend(workspaceId, batch);
        if (prepared.events.length === 0) return finishAppend(prepared, () => false);
        const inserted = insertBatch.immediate(workspaceId, prepared);
        return finishAppend(prepared, (_event, index) => inserted[index] === 1);
      });
    },

    async get(workspaceId, messageId) {
      return guard('events.get', () => {
        const id = parseId(workspaceId, messageId, 'messageId');
        const body = selectBody.get(workspaceId, id);
        return body === undefined ? null : (JSON.parse(body) as CxEvent);
      });
    },

    async listByProfile(workspaceId, query) {
      return guard('events.listByProfile', () => {
        const q = parseProfileEventsQuery(workspaceId, query);
        let afterTs = q.order === 'asc' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        let afterSeq = 0;
        if (q.cursor !== null) {
          const after = decodeCursor(q.cursor, { ts: 'number', seq: 'number' });
          afterTs = after.ts as number;
          afterSeq = after.seq as number;
        }
        const profileIds = [...new Set(q.profileIds)];
        if (profileIds.length === 0) return { items: [], nextCursor: null };
        const statements = profileIds.length === 1 ? byProfileStatements.one : byProfileStatements.many;
        // One row more than the page tells whether another page follows.
        const rows = statements[q.order].all(
          workspaceId,
          profileIds.length === 1 ? profileIds[0]! : JSON.stringify(profileIds),
          q.fromMs,
          q.toMs,
          afterTs,
          afterSeq,
          q.limit + 1,
        );
        return pageOf(rows, q.limit, (last) => encodeCursor({ ts: last.ts, seq: last.seq }));
      });
    },

    async scan(workspaceId, query) {
      return guard('events.scan', () => {
        const q = parseScanQuery(workspaceId, query);
        const afterSeq = seqOf(q.cursor);
        const types = q.types === null ? null : JSON.stringify(q.types);
        const rows =
          Number.isFinite(q.fromMs) || Number.isFinite(q.toMs)
            ? scanFiltered.all(workspaceId, afterSeq, types, types, q.fromMs, q.toMs, q.limit + 1)
            : types === null
              ? scanAll.all(workspaceId, afterSeq, q.limit + 1)
              : scanTypes.all(workspaceId, afterSeq, types, q.limit + 1);
        return pageOf(rows, q.limit, (last) => encodeCursor({ seq: last.seq }));
      });
    },

    async readLog(workspaceId, query) {
      return guard('events.readLog', () => {
        const q = parseReadLog(workspaceId, query);
        const rows = scanAll.all(workspaceId, seqOf(q.after), q.limit);
        const last = rows[rows.length - 1];
        return { items: rows.map(toEvent), position: last ? encodeCursor({ seq: last.seq }) : q.after };
      });
    },

    async logHead(workspaceId) {
      return guard('events.logHead', () => {
        parseLogPosition(workspaceId, null);
        const seq = lastSeq.get(workspaceId);
        return seq === null || seq === undefined ? null : encodeCursor({ seq });
      });
    },

    async countAfter(workspaceId, position) {
      return guard(
        'events.countAfter',
        () => countSince.get(workspaceId, seqOf(parseLogPosition(workspaceId, position)))!,
      );
    },

    async deleteByProfile(workspaceId, profileIds) {
      return guard('events.deleteByProfile', () => {
        const ids = parseIds(workspaceId, profileIds, 'profile ids');
        if (ids.length === 0) return 0;
        return deleteProfiles.run(workspaceId, JSON.stringify(ids)).changes;
      });
    },
  };
  return { store, insert: insertPrepared };
}

/** The seq a scan cursor or log position points after; 0 for the beginning. */
const seqOf = (position: string | null) =>
  position === null ? 0 : (decodeCursor(position, { seq: 'number' }).seq as number);

/** Cuts `limit + 1` fetched rows into a page, with a cursor only when more rows exist. */
function pageOf(rows: EventRow[], limit: number, cursorOf: (last: EventRow) => string) {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { items: page.map(toEvent), nextCursor: more ? cursorOf(page[page.length - 1]!) : null };
}
