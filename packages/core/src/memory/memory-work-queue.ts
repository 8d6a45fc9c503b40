import type { Clock } from '../clock/clock';
import { isoTime } from '../clock/iso-time';
import { compareKeys } from '../ports/compare-keys';
import { decodeCursor, encodeCursor } from '../ports/cursor';
import type { ParsedCommit, ParsedSchedule, ParsedWorkClaim } from '../ports/work-inputs';
import {
  parseClaimOptions,
  parseDeadLetter,
  parseDeadLetterQuery,
  parseExtend,
  parseQueueName,
  parseRetry,
  parseSchedule,
  parseWorkAddress,
  parseWorkClaim,
} from '../ports/work-inputs';
import { leaseLost } from '../ports/work-lease-lost';
import type { ClaimedWork, QueueStats, WorkItem, WorkQueue, WorkState } from '../ports/work-queue';
import { assertWorkspaceId } from '../workspaces/workspace-id';
import { type DueEntry, DueHeap } from './due-heap';

interface Row extends DueEntry {
  json: string;
  dueMs: number;
  state: WorkState;
  attempts: number;
  lastError: string | null;
  owner: string | null;
  leaseMs: number | null;
  token: number;
  createdMs: number;
}

/**
 * One queue of one workspace: rows by key; waiting rows in a heap by due time (then key), and
 * claimed rows in a heap by lease end, so ended leases are found without scanning.
 */
interface QueueSpace {
  rows: Map<string, Row>;
  waiting: DueHeap<Row>;
  leased: DueHeap<Row>;
}

const iso = isoTime;

/** The memory queue's internals that `commit` uses to check and apply work in one step. */
export interface MemoryWork {
  queue: WorkQueue;
  /** Throws `CONFLICT` if any completion of the commit no longer holds; changes nothing. */
  check(workspaceId: string, commit: ParsedCommit): void;
  /** Applies the commit's work (complete, cancel, schedule); returns the scheduled items. */
  apply(workspaceId: string, commit: ParsedCommit): WorkItem[];
}

/**
 * The reference {@link WorkQueue}. Each queue keeps its rows in a map, waiting rows in a binary
 * heap by due time and claimed rows in one by lease end, so scheduling, claiming and completing
 * are O(log n) whatever the queue's size.
 */
export function memoryWork({ clock }: { clock: Clock }): MemoryWork {
  // workspace → queue → space
  const spaces = new Map<string, Map<string, QueueSpace>>();

  const spaceOf = (workspaceId: string, queue: string, create: boolean): QueueSpace | undefined => {
    let queues = spaces.get(workspaceId);
    if (!queues) {
      if (!create) return undefined;
      queues = new Map();
      spaces.set(workspaceId, queues);
    }
    let space = queues.get(queue);
    if (!space && create) {
      space = { rows: new Map(), waiting: new DueHeap(), leased: new DueHeap() };
      queues.set(queue, space);
    }
    return space;
  };

  const toItem = <P>(queue: string, row: Row): WorkItem<P> => ({
    queue,
    key: row.key,
    payload: JSON.parse(row.json) as P,
    dueAt: iso(row.dueMs),
    state: row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    owner: row.owner,
    leaseExpiresAt: row.leaseMs === null ? null : iso(row.leaseMs),
    token: row.token,
    createdAt: iso(row.createdMs),
  });

  /** Takes a row out of whichever heap holds it. */
  const unfile = (space: QueueSpace, row: Row) => {
    (row.state === 'claimed' ? space.leased : space.waiting).remove(row);
  };

  /** Files a row by its state: waiting by due time, claimed by lease end, dead nowhere. */
  const file = (space: QueueSpace, row: Row) => {
    if (row.state === 'dead') return;
    row.at = row.state === 'claimed' ? row.leaseMs! : row.dueMs;
    (row.state === 'claimed' ? space.leased : space.waiting).set(row);
  };

  /** Moves a row to a new state (and its fields), re-filing it. */
  const move = (space: QueueSpace, row: Row, change: Partial<Row>) => {
    unfile(space, row);
    Object.assign(row, change);
    file(space, row);
  };

  /** Removes a row from its queue. */
  const drop = (space: QueueSpace, row: Row) => {
    unfile(space, row);
    space.rows.delete(row.key);
  };

  /** The row a claim names, if it still holds: same token, still claimed, lease not ended. */
  const held = (workspaceId: string, claim: ParsedWorkClaim, now: number) => {
    const space = spaceOf(workspaceId, claim.queue, false);
    const row = space?.rows.get(claim.key);
    if (!space || !row || row.state !== 'claimed' || row.token !== claim.token || row.leaseMs! <= now) {
      throw leaseLost(claim);
    }
    return { space, row };
  };

  const scheduleOne = (workspaceId: string, item: ParsedSchedule, now: number): WorkItem => {
    const space = spaceOf(workspaceId, item.queue, true)!;
    const dueMs = item.dueMs ?? now;
    const existing = space.rows.get(item.key);
    if (existing && item.ifExists === 'keep') return toItem(item.queue, existing);
    const version = { json: item.json, dueMs, attempts: 0, lastError: null, owner: null, leaseMs: null };
    if (existing) {
      // A replacement is a new version: a worker holding the old one loses its lease.
      move(space, existing, { ...version, state: 'scheduled', token: existing.token + 1 });
      return toItem(item.queue, existing);
    }
    const row: Row = {
      key: item.key,
      ...version,
      state: 'scheduled',
      token: 0,
      createdMs: now,
      at: dueMs,
      heapIndex: -1,
    };
    space.rows.set(item.key, row);
    file(space, row);
    return toItem(item.queue, row);
  };

  const cancelOne = (workspaceId: string, queue: string, key: string) => {
    const space = spaceOf(workspaceId, queue, false);
    const row = space?.rows.get(key);
    if (!space || !row) return false;
    drop(space, row);
    return true;
  };

  const queue: WorkQueue = {
    async schedule<P>(workspaceId: string, items: unknown) {
      const parsed = parseSchedule(workspaceId, items);
      const now = clock.now();
      return parsed.map((item) => scheduleOne(workspaceId, item, now)) as WorkItem<P>[];
    },

    async claim<P>(workspaceId: string, queueName: string, options: unknown) {
      const q = parseClaimOptions(workspaceId, queueName, options);
      const space = spaceOf(workspaceId, q.queue, false);
      if (!space) return [];
      const now = clock.now();
      const claimed: ClaimedWork<P>[] = [];
      // Items whose lease has ended wait again, in due order with the rest.
      for (
        let ended = space.leased.peek();
        ended !== undefined && ended.at <= now;
        ended = space.leased.peek()
      ) {
        move(space, ended, { state: 'scheduled', owner: null, leaseMs: null });
      }
      while (claimed.length < q.limit) {
        const row = space.waiting.peek();
        if (row === undefined || row.dueMs > now) break;
        move(space, row, { state: 'claimed', owner: q.owner, leaseMs: now + q.leaseMs });
        row.attempts += 1;
        row.token += 1;
        claimed.push(toItem<P>(q.queue, row) as ClaimedWork<P>);
      }
      return claimed;
    },

    async complete(workspaceId, claim) {
      const parsed = parseWorkClaim(workspaceId, claim);
      const { space, row } = held(workspaceId, parsed, clock.now());
      drop(space, row);
    },

    async retry(workspaceId, claim, options) {
      const parsed = parseWorkClaim(workspaceId, claim);
      const { atMs, error } = parseRetry(options);
      const { space, row } = held(workspaceId, parsed, clock.now());
      move(space, row, { state: 'scheduled', dueMs: atMs, lastError: error, owner: null, leaseMs: null });
    },

    async deadLetter(workspaceId, claim, options) {
      const parsed = parseWorkClaim(workspaceId, claim);
      const reason = parseDeadLetter(options);
      const { space, row } = held(workspaceId, parsed, clock.now());
      move(space, row, { state: 'dead', lastError: reason, owner: null, leaseMs: null });
    },

    async release(workspaceId, claim) {
      const parsed = parseWorkClaim(workspaceId, claim);
      const { space, row } = held(workspaceId, parsed, clock.now());
      move(space, row, { state: 'scheduled', owner: null, leaseMs: null, attempts: row.attempts - 1 });
    },

    async extend(workspaceId, claim, options) {
      const parsed = parseWorkClaim(workspaceId, claim);
      const leaseMs = parseExtend(options);
      const now = clock.now();
      const { space, row } = held(workspaceId, parsed, now);
      move(space, row, { leaseMs: now + leaseMs });
      return iso(now + leaseMs);
    },

    async cancel(workspaceId, queueName, key) {
      const address = parseWorkAddress(workspaceId, queueName, key);
      return cancelOne(workspaceId, address.queue, address.key);
    },

    async get<P>(workspaceId: string, queueName: string, key: string) {
      const address = parseWorkAddress(workspaceId, queueName, key);
      const row = spaceOf(workspaceId, address.queue, false)?.rows.get(address.key);
      return row ? toItem<P>(address.queue, row) : null;
    },

    async stats(workspaceId) {
      assertWorkspaceId(workspaceId);
      const now = clock.now();
      const out: QueueStats[] = [];
      for (const [name, space] of spaces.get(workspaceId) ?? []) {
        if (space.rows.size === 0) continue;
        const stats: QueueStats = {
          queue: name,
          scheduled: 0,
          due: 0,
          claimed: 0,
          dead: 0,
          oldestDueAt: null,
        };
        let oldest = Number.POSITIVE_INFINITY;
        for (const row of space.rows.values()) {
          stats[row.state] += 1;
          if (row.state === 'scheduled') {
            if (row.dueMs <= now) stats.due += 1;
            oldest = Math.min(oldest, row.dueMs);
          }
        }
        stats.oldestDueAt = Number.isFinite(oldest) ? iso(oldest) : null;
        out.push(stats);
      }
      return out.sort((a, b) => compareKeys(a.queue, b.queue));
    },

    async deadLetters<P>(workspaceId: string, queueName: string, query?: unknown) {
      const q = parseDeadLetterQuery(workspaceId, queueName, query);
      const after =
        q.cursor === null
          ? null
          : (decodeCursor(q.cursor, { dueMs: 'number', key: 'string' }) as { dueMs: number; key: string });
      const rows = [...(spaceOf(workspaceId, q.queue, false)?.rows.values() ?? [])]
        .filter(
          (row) =>
            row.state === 'dead' &&
            (after === null ||
              row.dueMs > after.dueMs ||
              (row.dueMs === after.dueMs && compareKeys(row.key, after.key) > 0)),
        )
        .sort((a, b) => a.dueMs - b.dueMs || compareKeys(a.key, b.key));
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((row) => toItem<P>(q.queue, row)),
        nextCursor: rows.length > q.limit && last ? encodeCursor({ dueMs: last.dueMs, key: last.key }) : null,
      };
    },

    async nextDueAt(workspaceId, queueName) {
      const space = spaceOf(workspaceId, parseQueueName(workspaceId, queueName), false);
      const next = space?.waiting.peek();
      return next === undefined ? null : iso(next.dueMs);
    },
  } as WorkQueue;

  return {
    queue,
    check(workspaceId, commit) {
      const now = clock.now();
      for (const claim of commit.complete) held(workspaceId, claim, now);
    },
    apply(workspaceId, commit) {
      for (const claim of commit.complete) cancelOne(workspaceId, claim.queue, claim.key);
      for (const { queue: name, key } of commit.cancel) cancelOne(workspaceId, name, key);
      const now = clock.now();
      return commit.schedule.map((item) => scheduleOne(workspaceId, item, now));
    },
  };
}
