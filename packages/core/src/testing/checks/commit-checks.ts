import assert from 'node:assert/strict';
import type { ConformanceCheck } from '../conformance-types';
import { rejectsWithCode } from './assertions';

const Q = 'test.timers';
const STATE = 'test.state';

/** The atomic commit's contract: documents and work, all or nothing. */
export const commitChecks: ConformanceCheck[] = [
  {
    port: 'commit',
    name: 'a commit writes documents and schedules, cancels and completes work together',
    async run({ storage, workspace, clock }) {
      await storage.work.schedule(workspace, [
        { queue: Q, key: 'running', dueAt: clock.now() },
        { queue: Q, key: 'to-cancel', dueAt: clock.now() + 60_000 },
      ]);
      const [running] = await storage.work.claim(workspace, Q, { owner: 'w1', limit: 1, leaseMs: 10_000 });
      const result = await storage.commit(workspace, {
        documents: [{ collection: STATE, key: 'i1', value: { node: 'wait' }, expectedVersion: 0 }],
        schedule: [{ queue: Q, key: 'next', dueAt: clock.now() + 1000, payload: { node: 'wait' } }],
        cancel: [
          { queue: Q, key: 'to-cancel' },
          { queue: Q, key: 'never-existed' },
        ],
        complete: [running!],
      });
      assert.equal(result.documents[0]?.version, 1);
      assert.equal(result.scheduled[0]?.key, 'next');
      assert.deepEqual((await storage.documents.get(workspace, STATE, 'i1'))?.value, { node: 'wait' });
      assert.equal(await storage.work.get(workspace, Q, 'running'), null, 'completed');
      assert.equal(await storage.work.get(workspace, Q, 'to-cancel'), null, 'cancelled');
      assert.deepEqual((await storage.work.get(workspace, Q, 'next'))?.payload, { node: 'wait' });
    },
  },
  {
    port: 'commit',
    name: 'a document conflict refuses the whole commit: no work is scheduled, cancelled or completed',
    async run({ storage, workspace, clock }) {
      await storage.documents.put(workspace, { collection: STATE, key: 'i1', value: 'v1' });
      await storage.work.schedule(workspace, [
        { queue: Q, key: 'running', dueAt: clock.now() },
        { queue: Q, key: 'keep-me', dueAt: clock.now() + 60_000 },
      ]);
      const [running] = await storage.work.claim(workspace, Q, { owner: 'w1', limit: 1, leaseMs: 10_000 });
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            documents: [
              { collection: STATE, key: 'fresh', value: 'x' },
              { collection: STATE, key: 'i1', value: 'v2', expectedVersion: 7 },
            ],
            schedule: [{ queue: Q, key: 'next', dueAt: clock.now() }],
            cancel: [{ queue: Q, key: 'keep-me' }],
            complete: [running!],
          }),
        'CONFLICT',
        'stale document version',
      );
      assert.equal((await storage.documents.get(workspace, STATE, 'i1'))?.value, 'v1');
      assert.equal(await storage.documents.get(workspace, STATE, 'fresh'), null);
      assert.equal(await storage.work.get(workspace, Q, 'next'), null);
      assert.ok(await storage.work.get(workspace, Q, 'keep-me'));
      assert.equal((await storage.work.get(workspace, Q, 'running'))?.state, 'claimed');
      await storage.work.complete(workspace, running!);
    },
  },
  {
    port: 'commit',
    name: 'a lost lease refuses the whole commit: the step that ran on it changes nothing',
    async run({ storage, workspace, clock }) {
      await storage.work.schedule(workspace, [{ queue: Q, key: 'timer', dueAt: clock.now() }]);
      const [stale] = await storage.work.claim(workspace, Q, { owner: 'slow', limit: 1, leaseMs: 1000 });
      clock.advance(1000);
      const [current] = await storage.work.claim(workspace, Q, { owner: 'w2', limit: 1, leaseMs: 1000 });
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            documents: [{ collection: STATE, key: 'i1', value: 'sent' }],
            schedule: [{ queue: 'test.outbox', key: 'i1/email', payload: { to: 'an@example.com' } }],
            complete: [stale!],
          }),
        'CONFLICT',
        'commit on a lost lease',
      );
      assert.equal(await storage.documents.get(workspace, STATE, 'i1'), null);
      assert.equal(await storage.work.get(workspace, 'test.outbox', 'i1/email'), null, 'no message queued');
      await storage.commit(workspace, {
        documents: [{ collection: STATE, key: 'i1', value: 'sent' }],
        schedule: [{ queue: 'test.outbox', key: 'i1/email', payload: { to: 'an@example.com' } }],
        complete: [current!],
      });
      assert.ok(await storage.work.get(workspace, 'test.outbox', 'i1/email'));
    },
  },
  {
    port: 'commit',
    name: 'completing and scheduling the same key in one commit leaves the new item',
    async run({ storage, workspace, clock }) {
      await storage.work.schedule(workspace, [{ queue: Q, key: 'tick', dueAt: clock.now(), payload: 1 }]);
      const [tick] = await storage.work.claim(workspace, Q, { owner: 'w1', limit: 1, leaseMs: 1000 });
      await storage.commit(workspace, {
        complete: [tick!],
        schedule: [{ queue: Q, key: 'tick', dueAt: clock.now() + 60_000, payload: 2 }],
      });
      const next = await storage.work.get(workspace, Q, 'tick');
      assert.equal(next?.state, 'scheduled');
      assert.equal(next?.payload, 2);
      assert.equal(next?.attempts, 0);
    },
  },
  {
    port: 'commit',
    name: 'bad input refuses the whole commit with VALIDATION; nothing crosses workspaces',
    async run({ storage, workspace, otherWorkspace, clock }) {
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            documents: [{ collection: STATE, key: 'ok', value: 1 }],
            schedule: [{ queue: Q, key: 'ok', dueAt: 'not a time' }],
          }),
        'VALIDATION',
        'bad due time',
      );
      await rejectsWithCode(
        () => storage.commit(workspace, { documents: [{ collection: 'Bad', key: 'k', value: 1 }] }),
        'VALIDATION',
        'bad collection',
      );
      await rejectsWithCode(
        () => storage.commit(workspace, { unknown: [] } as never),
        'VALIDATION',
        'unknown field',
      );
      assert.equal(await storage.documents.get(workspace, STATE, 'ok'), null);
      assert.equal(await storage.work.get(workspace, Q, 'ok'), null);
      await storage.commit(workspace, { schedule: [{ queue: Q, key: 'mine', dueAt: clock.now() }] });
      const [mine] = await storage.work.claim(workspace, Q, { owner: 'w', limit: 1, leaseMs: 1000 });
      await rejectsWithCode(
        () => storage.commit(otherWorkspace, { complete: [mine!] }),
        'CONFLICT',
        'completing from another workspace',
      );
      assert.equal(await storage.work.get(otherWorkspace, Q, 'mine'), null);
    },
  },
];
