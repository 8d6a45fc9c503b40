import assert from 'node:assert/strict';
import { MAX_APPEND_BATCH } from '../../ports/inputs';
import type { ConformanceCheck } from '../conformance-types';
import { makeEvent, makeEvents } from '../fixtures';
import { idsOf, rejectsWithCode, scanAll } from './assertions';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');

/** The event store's contract. */
export const eventStoreChecks: ConformanceCheck[] = [
  {
    port: 'events',
    name: 'append stores events and get returns them exactly as given',
    async run({ storage, workspace }) {
      const events = [
        makeEvent({ profileId: 'p1' }),
        makeEvent({ type: 'identify' }),
        makeEvent({ type: 'page' }),
      ];
      const result = await storage.events.append(workspace, events);
      assert.deepEqual(result, { inserted: idsOf(events), duplicates: [], rejected: [] });
      for (const event of events) {
        assert.deepEqual(await storage.events.get(workspace, event.messageId), event);
      }
      assert.equal(await storage.events.get(workspace, 'no-such-message'), null);
    },
  },
  {
    port: 'events',
    name: 'append is idempotent by messageId and keeps the first copy',
    async run({ storage, workspace }) {
      const events = makeEvents(5);
      await storage.events.append(workspace, events);
      const changed = { ...events[2]!, properties: { changed: true } };
      const again = await storage.events.append(workspace, [...events, changed]);
      assert.deepEqual(again.inserted, []);
      assert.deepEqual(again.duplicates, [...idsOf(events), changed.messageId]);
      assert.deepEqual(await storage.events.get(workspace, changed.messageId), events[2]);
      assert.equal((await scanAll(storage, workspace)).length, 5);
    },
  },
  {
    port: 'events',
    name: 'a messageId repeated within one batch is stored once and reported as a duplicate',
    async run({ storage, workspace }) {
      const first = makeEvent({ messageId: 'same-id', event: 'First' });
      const second = makeEvent({ messageId: 'same-id', event: 'Second' });
      const result = await storage.events.append(workspace, [first, second]);
      assert.deepEqual(result, { inserted: ['same-id'], duplicates: ['same-id'], rejected: [] });
      assert.deepEqual(await storage.events.get(workspace, 'same-id'), first);
    },
  },
  {
    port: 'events',
    name: 'concurrent appends of the same events store each event once',
    async run({ storage, workspace }) {
      const events = makeEvents(50);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => storage.events.append(workspace, events)),
      );
      const inserted = results.flatMap((result) => result.inserted).sort();
      assert.deepEqual(inserted, idsOf(events).sort(), 'each event inserted by exactly one append');
      assert.equal((await scanAll(storage, workspace)).length, 50);
    },
  },
  {
    port: 'events',
    name: 'scan returns events in append order, not timestamp order',
    async run({ storage, workspace }) {
      const late = makeEvent({ at: T0 + 60_000 });
      const early = makeEvent({ at: T0 });
      const middle = makeEvent({ at: T0 + 30_000 });
      await storage.events.append(workspace, [late, early]);
      await storage.events.append(workspace, [middle]);
      assert.deepEqual(idsOf(await scanAll(storage, workspace)), idsOf([late, early, middle]));
    },
  },
  {
    port: 'events',
    name: 'scan cursors page through every event once, and stay valid while events are appended',
    async run({ storage, workspace }) {
      const first = makeEvents(25, { start: T0 });
      await storage.events.append(workspace, first);
      const seen: string[] = [];
      let page = await storage.events.scan(workspace, { limit: 10 });
      seen.push(...idsOf(page.items));
      assert.equal(page.items.length, 10);
      assert.notEqual(page.nextCursor, null);
      const later = makeEvents(7, { start: T0 - 1_000_000 });
      await storage.events.append(workspace, later);
      while (page.nextCursor !== null) {
        page = await storage.events.scan(workspace, { limit: 10, cursor: page.nextCursor });
        seen.push(...idsOf(page.items));
      }
      assert.deepEqual(seen, [...idsOf(first), ...idsOf(later)]);
    },
  },
  {
    port: 'events',
    name: 'scan filters by event type and pages by matching events',
    async run({ storage, workspace }) {
      const events = [
        makeEvent({ type: 'page' }),
        makeEvent(),
        makeEvent({ type: 'identify' }),
        makeEvent({ type: 'page' }),
        makeEvent({ type: 'page' }),
      ];
      await storage.events.append(workspace, events);
      const first = await storage.events.scan(workspace, { types: ['page'], limit: 2 });
      assert.deepEqual(idsOf(first.items), idsOf([events[0]!, events[3]!]));
      assert.notEqual(first.nextCursor, null);
      const second = await storage.events.scan(workspace, {
        types: ['page'],
        limit: 2,
        cursor: first.nextCursor,
      });
      assert.deepEqual(idsOf(second.items), [events[4]!.messageId]);
      assert.equal(second.nextCursor, null);
      const none = await storage.events.scan(workspace, { types: ['alias'] });
      assert.deepEqual(none, { items: [], nextCursor: null });
    },
  },
  {
    port: 'events',
    name: 'scan keeps events with a timestamp in [from, to), still in append order, and pages by them',
    async run({ storage, workspace }) {
      // Appended out of time order: a late event with an old timestamp stays where it was appended.
      const events = [
        makeEvent({ at: T0 + 5000 }),
        makeEvent({ at: T0 }),
        makeEvent({ type: 'page', at: T0 + 2000 }),
        makeEvent({ at: T0 + 3000 }),
        makeEvent({ at: T0 + 1000 }),
        makeEvent({ at: T0 + 4000 }),
      ];
      await storage.events.append(workspace, events);
      const from = new Date(T0 + 1000);
      const to = new Date(T0 + 4000).toISOString();
      const first = await storage.events.scan(workspace, { from, to, limit: 2 });
      assert.deepEqual(idsOf(first.items), idsOf([events[2]!, events[3]!]));
      assert.notEqual(first.nextCursor, null);
      const second = await storage.events.scan(workspace, { from, to, limit: 2, cursor: first.nextCursor });
      assert.deepEqual(idsOf(second.items), [events[4]!.messageId]);
      assert.equal(second.nextCursor, null);
      // One bound alone, and together with a type filter.
      const onlyFrom = await storage.events.scan(workspace, { from: new Date(T0 + 4000) });
      assert.deepEqual(idsOf(onlyFrom.items), idsOf([events[0]!, events[5]!]));
      const onlyTo = await storage.events.scan(workspace, { to: new Date(T0 + 1000) });
      assert.deepEqual(idsOf(onlyTo.items), [events[1]!.messageId]);
      const pages = await storage.events.scan(workspace, { types: ['page'], to });
      assert.deepEqual(idsOf(pages.items), [events[2]!.messageId]);
      const empty = await storage.events.scan(workspace, { from: to, to });
      assert.deepEqual(empty, { items: [], nextCursor: null });
      await rejectsWithCode(
        () => storage.events.scan(workspace, { from: 'yesterday' }),
        'VALIDATION',
        'bad scan from',
      );
    },
  },
  {
    port: 'events',
    name: 'listByProfile orders by timestamp (ties in append order) within [from, to)',
    async run({ storage, workspace }) {
      const a = makeEvent({ profileId: 'p1', at: T0 + 2000 });
      const b = makeEvent({ profileId: 'p1', at: T0 });
      const c = makeEvent({ profileId: 'p2', at: T0 + 1000 });
      const d = makeEvent({ profileId: 'p1', at: T0 + 1000 });
      const e = makeEvent({ profileId: 'p1', at: T0 + 1000 });
      const other = makeEvent({ profileId: 'p3', at: T0 + 1000 });
      const orphan = makeEvent({ at: T0 + 1000 });
      await storage.events.append(workspace, [a, b, c, d, e, other, orphan]);
      const both = await storage.events.listByProfile(workspace, { profileIds: ['p1', 'p2'] });
      assert.deepEqual(idsOf(both.items), idsOf([b, c, d, e, a]));
      assert.equal(both.nextCursor, null);
      const ranged = await storage.events.listByProfile(workspace, {
        profileIds: ['p1'],
        from: new Date(T0 + 1000).toISOString(),
        to: new Date(T0 + 2000),
      });
      assert.deepEqual(idsOf(ranged.items), idsOf([d, e]), 'from is inclusive, to is exclusive');
      const newest = await storage.events.listByProfile(workspace, { profileIds: ['p1'], order: 'desc' });
      assert.deepEqual(idsOf(newest.items), idsOf([a, e, d, b]));
      const none = await storage.events.listByProfile(workspace, { profileIds: [] });
      assert.deepEqual(none, { items: [], nextCursor: null });
    },
  },
  {
    port: 'events',
    name: 'listByProfile pages with cursors in both orders without gaps or repeats',
    async run({ storage, workspace }) {
      const events = makeEvents(23, { profileId: 'p1', start: T0 });
      // Equal timestamps force the tie-break into the cursor.
      events.push(
        makeEvent({ profileId: 'p1', at: T0 + 5000 }),
        makeEvent({ profileId: 'p1', at: T0 + 5000 }),
      );
      await storage.events.append(workspace, events);
      for (const order of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await storage.events.listByProfile(workspace, {
            profileIds: ['p1'],
            order,
            limit: 4,
            cursor,
          });
          seen.push(...idsOf(page.items));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== null);
        const all = await storage.events.listByProfile(workspace, { profileIds: ['p1'], order, limit: 100 });
        assert.deepEqual(seen, idsOf(all.items), `${order} pages match one big page`);
        assert.equal(seen.length, 25);
        assert.equal(pages, 7);
      }
    },
  },
  {
    port: 'events',
    name: 'a batch of the maximum size is stored whole and in order',
    async run({ storage, workspace, peek }) {
      const events = makeEvents(MAX_APPEND_BATCH, { start: T0 });
      const result = await storage.events.append(workspace, events);
      assert.equal(result.inserted.length, MAX_APPEND_BATCH);
      const stored = await scanAll(storage, workspace, 5000);
      assert.deepEqual(idsOf(stored), idsOf(events));
      if (peek) assert.equal(await peek.countEvents(workspace), MAX_APPEND_BATCH);
    },
  },
  {
    port: 'events',
    name: 'a batch with invalid events stores the valid ones and reports each rejection by index',
    async run({ storage, workspace }) {
      const valid = makeEvents(3);
      const noIdentity = { ...makeEvent(), userId: undefined };
      const badTimestamp = { ...makeEvent(), timestamp: 'yesterday' };
      const batch: unknown[] = [valid[0], noIdentity, valid[1], 'not an event', badTimestamp, null, valid[2]];
      const result = await storage.events.append(workspace, batch);
      assert.deepEqual(result.inserted, idsOf(valid));
      assert.deepEqual(
        result.rejected.map((r) => [r.index, r.code]),
        [
          [1, 'VALIDATION'],
          [3, 'VALIDATION'],
          [4, 'VALIDATION'],
          [5, 'VALIDATION'],
        ],
      );
      assert.equal(result.rejected[0]!.messageId, noIdentity.messageId);
      assert.ok(result.rejected[2]!.issues!.some((issue) => issue.path === 'timestamp'));
      assert.equal(result.inserted.length + result.duplicates.length + result.rejected.length, batch.length);
      assert.equal((await scanAll(storage, workspace)).length, 3);
    },
  },
  {
    port: 'events',
    name: 'bad input throws a ValidationError and stores nothing',
    async run({ storage, workspace, peek }) {
      await storage.events.append(workspace, makeEvents(2));
      await rejectsWithCode(
        () => storage.events.append('bad workspace!', makeEvents(1)),
        'VALIDATION',
        'bad workspace',
      );
      await rejectsWithCode(
        () => storage.events.append(workspace, 'nope' as never),
        'VALIDATION',
        'non-array',
      );
      await rejectsWithCode(
        () => storage.events.append(workspace, makeEvents(MAX_APPEND_BATCH + 1)),
        'VALIDATION',
        'oversized batch',
      );
      await rejectsWithCode(
        () => storage.events.scan(workspace, { cursor: '%%%' }),
        'VALIDATION',
        'bad cursor',
      );
      await rejectsWithCode(() => storage.events.scan(workspace, { limit: 0 }), 'VALIDATION', 'zero limit');
      await rejectsWithCode(
        () => storage.events.listByProfile(workspace, { profileIds: ['p1'], from: 'soon' }),
        'VALIDATION',
        'bad from',
      );
      await rejectsWithCode(() => storage.events.get(workspace, ''), 'VALIDATION', 'empty messageId');
      assert.equal((await scanAll(storage, workspace)).length, 2);
      if (peek) assert.equal(await peek.countEvents(workspace), 2);
    },
  },
  {
    port: 'events',
    name: 'deleteByProfile deletes exactly those profiles’ events',
    async run({ storage, workspace }) {
      const keep = [makeEvent({ profileId: 'keep' }), makeEvent()];
      const drop = [
        makeEvent({ profileId: 'drop-1' }),
        makeEvent({ profileId: 'drop-2' }),
        makeEvent({ profileId: 'drop-1' }),
      ];
      await storage.events.append(workspace, [drop[0], keep[0], drop[1], keep[1], drop[2]]);
      assert.equal(await storage.events.deleteByProfile(workspace, ['drop-1', 'drop-2', 'unknown']), 3);
      assert.deepEqual(idsOf(await scanAll(storage, workspace)), idsOf(keep));
      assert.equal(await storage.events.get(workspace, drop[0]!.messageId), null);
      assert.equal(await storage.events.deleteByProfile(workspace, ['drop-1']), 0);
    },
  },
];
