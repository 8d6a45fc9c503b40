import assert from 'node:assert/strict';
import type { ConformanceCheck } from '../conformance-types';
import { rejectsWithCode } from './assertions';

const Q = 'test.queue';
const lease = (owner: string, limit = 10, leaseMs = 10_000) => ({ owner, limit, leaseMs });
const keysOf = (items: readonly { key: string }[]) => items.map((item) => item.key);

/** The work queue's contract. */
export const workQueueChecks: ConformanceCheck[] = [
  {
    port: 'work',
    name: 'schedule is idempotent by key: keep holds the first item, replace takes the new one',
    async run({ storage, workspace, clock }) {
      const now = clock.now();
      const [first] = await storage.work.schedule(workspace, [
        { queue: Q, key: 'k1', dueAt: now + 1000, payload: { n: 1 } },
      ]);
      assert.equal(first!.state, 'scheduled');
      assert.equal(first!.attempts, 0);
      assert.equal(first!.dueAt, new Date(now + 1000).toISOString());
      assert.deepEqual(first!.payload, { n: 1 });
      const [kept] = await storage.work.schedule(workspace, [
        { queue: Q, key: 'k1', dueAt: now + 5000, payload: { n: 2 } },
      ]);
      assert.deepEqual(kept!.payload, { n: 1 }, 'keep: the first payload stands');
      assert.equal(kept!.dueAt, new Date(now + 1000).toISOString(), 'keep: the first due time stands');
      const [replaced] = await storage.work.schedule(workspace, [
        { queue: Q, key: 'k1', dueAt: now + 5000, payload: { n: 3 }, ifExists: 'replace' },
      ]);
      assert.deepEqual(replaced!.payload, { n: 3 });
      assert.equal(replaced!.dueAt, new Date(now + 5000).toISOString());
      const stats = await storage.work.stats(workspace);
      assert.deepEqual(
        stats.map((s) => [s.queue, s.scheduled, s.claimed, s.dead]),
        [[Q, 1, 0, 0]],
        'one item per key',
      );
      // The same key in another queue is another item; a default due time is now.
      const [other] = await storage.work.schedule(workspace, [{ queue: 'test.other', key: 'k1' }]);
      assert.equal(other!.dueAt, new Date(now).toISOString());
      assert.equal(other!.payload, null);
    },
  },
  {
    port: 'work',
    name: 'claim returns only due items, in due-time order then key order, up to the limit',
    async run({ storage, workspace, clock }) {
      const now = clock.now();
      await storage.work.schedule(workspace, [
        { queue: Q, key: 'late', dueAt: now - 1000 },
        { queue: Q, key: 'b-early', dueAt: now - 5000 },
        { queue: Q, key: 'a-early', dueAt: now - 5000 },
        { queue: Q, key: 'on-time', dueAt: now },
        { queue: Q, key: 'future', dueAt: now + 1 },
        { queue: 'test.other', key: 'elsewhere', dueAt: now - 9000 },
      ]);
      const first = await storage.work.claim(workspace, Q, lease('w1', 2));
      assert.deepEqual(keysOf(first), ['a-early', 'b-early']);
      const rest = await storage.work.claim(workspace, Q, lease('w1', 10));
      assert.deepEqual(keysOf(rest), ['late', 'on-time'], 'not the future item, not another queue');
      for (const item of [...first, ...rest]) {
        assert.equal(item.state, 'claimed');
        assert.equal(item.owner, 'w1');
        assert.equal(item.attempts, 1);
        assert.equal(item.leaseExpiresAt, new Date(now + 10_000).toISOString());
      }
      assert.equal(await storage.work.nextDueAt(workspace, Q), new Date(now + 1).toISOString());
      clock.advance(1);
      assert.deepEqual(keysOf(await storage.work.claim(workspace, Q, lease('w1'))), ['future']);
    },
  },
  {
    port: 'work',
    name: 'concurrent claimers never get the same item, and together get every due item once',
    async run({ storage, workspace, clock }) {
      const keys = Array.from({ length: 60 }, (_, i) => `item-${String(i).padStart(3, '0')}`);
      await storage.work.schedule(
        workspace,
        keys.map((key) => ({ queue: Q, key, dueAt: clock.now() })),
      );
      const batches = await Promise.all(
        Array.from({ length: 8 }, (_, i) => storage.work.claim(workspace, Q, lease(`w${i}`, 7))),
      );
      const again = await storage.work.claim(workspace, Q, lease('late', 100));
      const claimed = [...batches.flat(), ...again].map((item) => item.key);
      assert.equal(new Set(claimed).size, claimed.length, 'no item handed out twice');
      assert.deepEqual([...claimed].sort(), keys, 'every due item handed out');
      assert.deepEqual(keysOf(await storage.work.claim(workspace, Q, lease('w9'))), []);
    },
  },
  {
    port: 'work',
    name: 'an item whose lease ends is claimed again with a new token; the old holder is fenced out',
    async run({ storage, workspace, clock }) {
      await storage.work.schedule(workspace, [{ queue: Q, key: 'k', dueAt: clock.now() }]);
      const [held] = await storage.work.claim(workspace, Q, lease('crashed', 1, 1000));
      clock.advance(999);
      assert.deepEqual(
        await storage.work.claim(workspace, Q, lease('w2')),
        [],
        'hidden while the lease lasts',
      );
      assert.equal(await storage.work.nextDueAt(workspace, Q), null, 'nothing waits while the item is held');
      clock.advance(1);
      const [again] = await storage.work.claim(workspace, Q, lease('w2', 1, 1000));
      assert.equal(again?.key, 'k', 'claimable once the lease has ended');
      assert.equal(again!.owner, 'w2');
      assert.equal(again!.attempts, 2, 'the crashed attempt counts');
      assert.ok(again!.token > held!.token, 'a new token');
      await rejectsWithCode(() => storage.work.complete(workspace, held!), 'CONFLICT', 'stale completion');
      await rejectsWithCode(
        () => storage.work.retry(workspace, held!, { at: clock.now(), error: 'x' }),
        'CONFLICT',
        'stale retry',
      );
      await storage.work.complete(workspace, again!);
      assert.equal(await storage.work.get(workspace, Q, 'k'), null, 'completed items are gone');
      await rejectsWithCode(() => storage.work.complete(workspace, again!), 'CONFLICT', 'second completion');
    },
  },
  {
    port: 'work',
    name: 'an item whose lease ended takes its place by due time again',
    async run({ storage, workspace, clock }) {
      const now = clock.now();
      await storage.work.schedule(workspace, [
        { queue: Q, key: 'b', dueAt: now - 50 },
        { queue: Q, key: 'a', dueAt: now - 100 },
      ]);
      const [first] = await storage.work.claim(workspace, Q, lease('crashed', 1, 1000));
      assert.equal(first?.key, 'a');
      clock.advance(1000);
      assert.deepEqual(keysOf(await storage.work.claim(workspace, Q, lease('w2', 5))), ['a', 'b']);
    },
  },
  {
    port: 'work',
    name: 'a completion after the lease has ended is refused even when nobody took the item',
    async run({ storage, workspace, clock }) {
      await storage.work.schedule(workspace, [{ queue: Q, key: 'k', dueAt: clock.now() }]);
      const [held] = await storage.work.claim(workspace, Q, lease('w1', 1, 500));
      clock.advance(500);
      await rejectsWithCode(() => storage.work.complete(workspace, held!), 'CONFLICT', 'late completion');
      await rejectsWithCode(
        () => storage.work.extend(workspace, held!, { leaseMs: 1000 }),
        'CONFLICT',
        'late extension',
      );
      assert.equal((await storage.work.get(workspace, Q, 'k'))?.state, 'claimed', 'left as it was');
    },
  },
  {
    port: 'work',
    name: 'retry counts attempts and reschedules with the error; dead letters are kept and listed',
    async run({ storage, workspace, clock }) {
      const now = clock.now();
      await storage.work.schedule(workspace, [
        { queue: Q, key: 'a', dueAt: now, payload: { to: 'an' } },
        { queue: Q, key: 'b', dueAt: now + 1 },
      ]);
      const [a] = await storage.work.claim(workspace, Q, lease('w1', 1));
      await storage.work.retry(workspace, a!, { at: now + 60_000, error: 'SMTP 451' });
      const retried = await storage.work.get(workspace, Q, 'a');
      assert.equal(retried?.state, 'scheduled');
      assert.equal(retried?.attempts, 1);
      assert.equal(retried?.lastError, 'SMTP 451');
      assert.equal(retried?.dueAt, new Date(now + 60_000).toISOString());
      assert.equal(retried?.owner, null);
      clock.advance(60_000);
      const claimed = await storage.work.claim(workspace, Q, lease('w1', 5));
      assert.deepEqual(keysOf(claimed), ['b', 'a']);
      assert.equal(claimed[1]!.attempts, 2);
      await storage.work.deadLetter(workspace, claimed[1]!, { reason: 'SMTP 550 mailbox unavailable' });
      await storage.work.deadLetter(workspace, claimed[0]!, { reason: 'bad template' });
      clock.advance(24 * 3_600_000);
      assert.deepEqual(
        await storage.work.claim(workspace, Q, lease('w1')),
        [],
        'dead letters are never claimed',
      );
      const dead = await storage.work.deadLetters(workspace, Q, { limit: 1 });
      assert.deepEqual(keysOf(dead.items), ['b']);
      assert.equal(dead.items[0]!.lastError, 'bad template');
      const next = await storage.work.deadLetters(workspace, Q, { cursor: dead.nextCursor });
      assert.deepEqual(keysOf(next.items), ['a']);
      assert.equal(next.items[0]!.lastError, 'SMTP 550 mailbox unavailable');
      assert.deepEqual(next.items[0]!.payload, { to: 'an' });
      assert.equal(next.nextCursor, null);
      const [stats] = await storage.work.stats(workspace);
      assert.deepEqual(stats, { queue: Q, scheduled: 0, due: 0, claimed: 0, dead: 2, oldestDueAt: null });
      // An operator revives a dead letter by scheduling it again with replace.
      await storage.work.schedule(workspace, [
        { queue: Q, key: 'a', ifExists: 'replace', payload: { to: 'an' } },
      ]);
      const revived = await storage.work.get(workspace, Q, 'a');
      assert.equal(revived?.state, 'scheduled');
      assert.equal(revived?.attempts, 0);
    },
  },
  {
    port: 'work',
    name: 'release hands an item back uncounted; extend lengthens a held lease',
    async run({ storage, workspace, clock }) {
      const now = clock.now();
      await storage.work.schedule(workspace, [{ queue: Q, key: 'k', dueAt: now - 10 }]);
      const [held] = await storage.work.claim(workspace, Q, lease('w1', 1, 1000));
      const until = await storage.work.extend(workspace, held!, { leaseMs: 5000 });
      assert.equal(until, new Date(now + 5000).toISOString());
      clock.advance(2000);
      assert.deepEqual(await storage.work.claim(workspace, Q, lease('w2')), [], 'the extended lease holds');
      await storage.work.release(workspace, held!);
      const released = await storage.work.get(workspace, Q, 'k');
      assert.equal(released?.state, 'scheduled');
      assert.equal(released?.attempts, 0, 'a released claim is not an attempt');
      assert.equal(released?.dueAt, new Date(now - 10).toISOString(), 'due as before');
      const [again] = await storage.work.claim(workspace, Q, lease('w2'));
      assert.equal(again?.key, 'k');
      await rejectsWithCode(() => storage.work.release(workspace, held!), 'CONFLICT', 'stale release');
    },
  },
  {
    port: 'work',
    name: 'cancel removes pending, claimed and dead items; a replaced item fences out its holder',
    async run({ storage, workspace, clock }) {
      await storage.work.schedule(workspace, [
        { queue: Q, key: 'pending', dueAt: clock.now() + 60_000 },
        { queue: Q, key: 'held', dueAt: clock.now() },
        { queue: Q, key: 'replaced', dueAt: clock.now() },
      ]);
      const claimed = await storage.work.claim(workspace, Q, lease('w1'));
      assert.deepEqual(keysOf(claimed), ['held', 'replaced']);
      assert.equal(await storage.work.cancel(workspace, Q, 'pending'), true);
      assert.equal(await storage.work.cancel(workspace, Q, 'pending'), false);
      assert.equal(await storage.work.cancel(workspace, Q, 'held'), true);
      await rejectsWithCode(
        () => storage.work.complete(workspace, claimed[0]!),
        'CONFLICT',
        'cancelled item',
      );
      await storage.work.schedule(workspace, [
        { queue: Q, key: 'replaced', dueAt: clock.now() + 10, payload: 2, ifExists: 'replace' },
      ]);
      await rejectsWithCode(() => storage.work.complete(workspace, claimed[1]!), 'CONFLICT', 'replaced item');
      const replaced = await storage.work.get(workspace, Q, 'replaced');
      assert.equal(replaced?.state, 'scheduled');
      assert.equal(replaced?.payload, 2);
      clock.advance(10);
      assert.deepEqual(keysOf(await storage.work.claim(workspace, Q, lease('w2'))), ['replaced']);
    },
  },
  {
    port: 'work',
    name: 'stats count each queue by state with the oldest waiting due time',
    async run({ storage, workspace, clock }) {
      const now = clock.now();
      await storage.work.schedule(workspace, [
        { queue: 'test.b', key: '1', dueAt: now - 3000 },
        { queue: 'test.b', key: '2', dueAt: now - 2000 },
        { queue: 'test.b', key: '3', dueAt: now + 2000 },
        { queue: 'test.a', key: '1', dueAt: now - 1000 },
      ]);
      await storage.work.claim(workspace, 'test.b', lease('w1', 1));
      assert.deepEqual(await storage.work.stats(workspace), [
        {
          queue: 'test.a',
          scheduled: 1,
          due: 1,
          claimed: 0,
          dead: 0,
          oldestDueAt: new Date(now - 1000).toISOString(),
        },
        {
          queue: 'test.b',
          scheduled: 2,
          due: 1,
          claimed: 1,
          dead: 0,
          oldestDueAt: new Date(now - 2000).toISOString(),
        },
      ]);
      assert.equal(await storage.work.nextDueAt(workspace, 'test.none'), null);
    },
  },
  {
    port: 'work',
    name: 'nothing crosses workspaces: schedule, claim, complete, cancel, stats',
    async run({ storage, workspace, otherWorkspace, clock }) {
      await storage.work.schedule(workspace, [{ queue: Q, key: 'k', dueAt: clock.now(), payload: 'mine' }]);
      assert.deepEqual(await storage.work.claim(otherWorkspace, Q, lease('w1')), []);
      assert.equal(await storage.work.get(otherWorkspace, Q, 'k'), null);
      assert.equal(await storage.work.cancel(otherWorkspace, Q, 'k'), false);
      assert.deepEqual(await storage.work.stats(otherWorkspace), []);
      await storage.work.schedule(otherWorkspace, [
        { queue: Q, key: 'k', dueAt: clock.now(), payload: 'theirs' },
      ]);
      const [mine] = await storage.work.claim(workspace, Q, lease('w1'));
      assert.equal(mine?.payload, 'mine');
      await rejectsWithCode(
        () => storage.work.complete(otherWorkspace, mine!),
        'CONFLICT',
        'foreign completion',
      );
      await storage.work.complete(workspace, mine!);
      assert.equal((await storage.work.get(otherWorkspace, Q, 'k'))?.payload, 'theirs');
    },
  },
  {
    port: 'work',
    name: 'bad input is refused with VALIDATION and stores nothing',
    async run({ storage, workspace, clock }) {
      const bad: [string, () => Promise<unknown>][] = [
        ['bad queue', () => storage.work.schedule(workspace, [{ queue: 'Bad Queue', key: 'k' }])],
        ['empty key', () => storage.work.schedule(workspace, [{ queue: Q, key: '' }])],
        ['bad due time', () => storage.work.schedule(workspace, [{ queue: Q, key: 'k', dueAt: 'tomorrow' }])],
        [
          'a key twice in one call',
          () =>
            storage.work.schedule(workspace, [
              { queue: Q, key: 'dup' },
              { queue: Q, key: 'dup' },
            ]),
        ],
        [
          'unserialisable payload',
          () => storage.work.schedule(workspace, [{ queue: Q, key: 'fn', payload: () => 1 }]),
        ],
        ['bad workspace', () => storage.work.schedule('Bad Workspace!', [{ queue: Q, key: 'k' }])],
        ['zero limit', () => storage.work.claim(workspace, Q, { owner: 'w', limit: 0, leaseMs: 1 })],
        ['no owner', () => storage.work.claim(workspace, Q, { owner: '', limit: 1, leaseMs: 1 })],
        ['huge lease', () => storage.work.claim(workspace, Q, { owner: 'w', limit: 1, leaseMs: 1e12 })],
        ['bad token', () => storage.work.complete(workspace, { queue: Q, key: 'k', token: 0 })],
        [
          'no reason',
          () => storage.work.deadLetter(workspace, { queue: Q, key: 'k', token: 1 }, { reason: '' }),
        ],
      ];
      // A valid item in the same call as an invalid one is not stored either.
      bad.push([
        'valid and invalid together',
        () =>
          storage.work.schedule(workspace, [
            { queue: Q, key: 'valid', dueAt: clock.now() },
            { queue: Q, key: 'x', dueAt: Number.NaN },
          ]),
      ]);
      for (const [what, action] of bad) await rejectsWithCode(action, 'VALIDATION', what);
      assert.deepEqual(await storage.work.stats(workspace), [], 'nothing stored');
    },
  },
];
