import type { CxEvent } from '../events/cx-event';
import { decodeCursor, encodeCursor } from '../ports/cursor';
import type { AppendResult, EventStore } from '../ports/event-store';
import {
  finishAppend,
  type PreparedAppend,
  parseId,
  parseIds,
  parseLogPosition,
  parseProfileEventsQuery,
  parseReadLog,
  parseScanQuery,
  prepareAppend,
} from '../ports/inputs';

/** One stored event: kept as JSON text so reads return fresh copies, exactly as a SQL store would. */
interface StoredRow {
  seq: number;
  ts: number;
  messageId: string;
  type: CxEvent['type'];
  profileId: string | null;
  json: string;
}

interface WorkspaceLog {
  rows: StoredRow[];
  byMessageId: Map<string, StoredRow>;
  byProfile: Map<string, StoredRow[]>;
}

/** The index of the first row after a position; rows are in seq order, so a binary search. */
function firstAfter(rows: readonly StoredRow[], position: string | null): number {
  const afterSeq = position === null ? 0 : (decodeCursor(position, { seq: 'number' }).seq as number);
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.seq <= afterSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const compareAsc = (a: StoredRow, b: StoredRow) => a.ts - b.ts || a.seq - b.seq;

/**
 * The reference {@link EventStore} (every adapter must behave exactly like this one), and how a
 * commit checks and appends events.
 */
export function memoryEvents(): {
  store: EventStore;
  insert(workspaceId: string, prepared: PreparedAppend): AppendResult;
  check(workspaceId: string, prepared: PreparedAppend): AppendResult;
} {
  const workspaces = new Map<string, WorkspaceLog>();
  let nextSeq = 1;

  const logOf = (workspaceId: string): WorkspaceLog => {
    let log = workspaces.get(workspaceId);
    if (!log) {
      log = { rows: [], byMessageId: new Map(), byProfile: new Map() };
      workspaces.set(workspaceId, log);
    }
    return log;
  };

  /** Stores the new events of a validated batch; the other ones are reported, never stored. */
  const insert = (workspaceId: string, prepared: PreparedAppend): AppendResult => {
    const log = logOf(workspaceId);
    const inserted = new Set<number>();
    prepared.events.forEach((event, index) => {
      if (log.byMessageId.has(event.messageId)) return;
      const row: StoredRow = {
        seq: nextSeq++,
        ts: prepared.timestamps[index]!,
        messageId: event.messageId,
        type: event.type,
        profileId: event.profileId ?? null,
        json: JSON.stringify(event),
      };
      log.rows.push(row);
      log.byMessageId.set(row.messageId, row);
      if (row.profileId !== null) {
        const list = log.byProfile.get(row.profileId);
        if (list) list.push(row);
        else log.byProfile.set(row.profileId, [row]);
      }
      inserted.add(index);
    });
    return finishAppend(prepared, (_event, index) => inserted.has(index));
  };

  /** What {@link insert} would report, without storing anything. */
  const check = (workspaceId: string, prepared: PreparedAppend): AppendResult => {
    const log = workspaces.get(workspaceId);
    return finishAppend(prepared, (event) => log?.byMessageId.has(event.messageId) !== true);
  };

  const store: EventStore = {
    async append(workspaceId, batch) {
      return insert(workspaceId, prepareAppend(workspaceId, batch));
    },

    async get(workspaceId, messageId) {
      const id = parseId(workspaceId, messageId, 'messageId');
      const row = workspaces.get(workspaceId)?.byMessageId.get(id);
      return row ? (JSON.parse(row.json) as CxEvent) : null;
    },

    async listByProfile(workspaceId, query) {
      const q = parseProfileEventsQuery(workspaceId, query);
      const log = workspaces.get(workspaceId);
      const matches: StoredRow[] = [];
      for (const profileId of new Set(q.profileIds)) {
        for (const row of log?.byProfile.get(profileId) ?? []) {
          if (row.ts >= q.fromMs && row.ts < q.toMs) matches.push(row);
        }
      }
      matches.sort(compareAsc);
      if (q.order === 'desc') matches.reverse();
      let start = 0;
      if (q.cursor !== null) {
        const after = decodeCursor(q.cursor, { ts: 'number', seq: 'number' }) as { ts: number; seq: number };
        const isAfter = (row: StoredRow) =>
          q.order === 'asc'
            ? row.ts > after.ts || (row.ts === after.ts && row.seq > after.seq)
            : row.ts < after.ts || (row.ts === after.ts && row.seq < after.seq);
        start = matches.findIndex(isAfter);
        if (start === -1) start = matches.length;
      }
      const page = matches.slice(start, start + q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((row) => JSON.parse(row.json) as CxEvent),
        nextCursor:
          last && start + q.limit < matches.length ? encodeCursor({ ts: last.ts, seq: last.seq }) : null,
      };
    },

    async scan(workspaceId, query) {
      const q = parseScanQuery(workspaceId, query);
      const rows = workspaces.get(workspaceId)?.rows ?? [];
      const lo = firstAfter(rows, q.cursor);
      // Take one row more than the page so we know whether another page follows.
      const matches: StoredRow[] = [];
      for (let index = lo; index < rows.length && matches.length <= q.limit; index++) {
        const row = rows[index]!;
        if (q.types !== null && !q.types.includes(row.type)) continue;
        if (row.ts < q.fromMs || row.ts >= q.toMs) continue;
        matches.push(row);
      }
      const page = matches.slice(0, q.limit);
      return {
        items: page.map((row) => JSON.parse(row.json) as CxEvent),
        nextCursor: matches.length > q.limit ? encodeCursor({ seq: page[page.length - 1]!.seq }) : null,
      };
    },

    async readLog(workspaceId, query) {
      const q = parseReadLog(workspaceId, query);
      const rows = workspaces.get(workspaceId)?.rows ?? [];
      const start = firstAfter(rows, q.after);
      const page = rows.slice(start, start + q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((row) => JSON.parse(row.json) as CxEvent),
        position: last ? encodeCursor({ seq: last.seq }) : q.after,
      };
    },

    async logHead(workspaceId) {
      parseLogPosition(workspaceId, null);
      const rows = workspaces.get(workspaceId)?.rows ?? [];
      const last = rows[rows.length - 1];
      return last ? encodeCursor({ seq: last.seq }) : null;
    },

    async countAfter(workspaceId, position) {
      const after = parseLogPosition(workspaceId, position);
      const rows = workspaces.get(workspaceId)?.rows ?? [];
      return rows.length - firstAfter(rows, after);
    },

    async deleteByProfile(workspaceId, profileIds) {
      const ids = new Set(parseIds(workspaceId, profileIds, 'profile ids'));
      const log = workspaces.get(workspaceId);
      if (!log) return 0;
      let deleted = 0;
      for (const id of ids) {
        for (const row of log.byProfile.get(id) ?? []) {
          log.byMessageId.delete(row.messageId);
          deleted++;
        }
        log.byProfile.delete(id);
      }
      if (deleted > 0) log.rows = log.rows.filter((row) => log.byMessageId.get(row.messageId) === row);
      return deleted;
    },
  };
  return { store, insert, check };
}
