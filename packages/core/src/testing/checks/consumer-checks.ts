import assert from 'node:assert/strict';
import type { CommitInput } from '../../ports/commit';
import type { Storage } from '../../ports/storage';
import { createEventConsumer } from '../../work/event-consumer';
import type { ConformanceCheck } from '../conformance-types';
import { makeEvents } from '../fixtures';

const COUNTS = 'test.consumer-counts';

/** A consumer that counts events into one version-checked document. */
function counter(storage: Storage, workspace: string, clock: { now(): number }, startFrom?: 'now') {
  return createEventConsumer({
    storage,
    clock,
    workspaceId: workspace,
    name: 'test.counter',
    pageSize: 7,
    leaseMs: 1000,
    ...(startFrom ? { startFrom } : {}),
    handler: async (events) => {
      const current = await storage.documents.get<number>(workspace, COUNTS, 'n');
      return {
        documents: [
          {
            collection: COUNTS,
            key: 'n',
            value: (current?.value ?? 0) + events.length,
            expectedVersion: current?.version ?? 0,
          },
        ],
      };
    },
  });
}

/** Event-log consumers on the adapter: checkpoints committed with derived state. */
export const consumerChecks: ConformanceCheck[] = [
  {
    port: 'commit',
    name: 'a consumer applies each event once across a failed commit and a restart, and reports its lag',
    async run({ storage, workspace, clock }) {
      await storage.events.append(workspace, makeEvents(30));
      let failNext = false;
      const flaky: Storage = {
        ...storage,
        async commit(workspaceId: string, input: CommitInput) {
          if (failNext) {
            failNext = false;
            throw new Error('crash before the commit');
          }
          return storage.commit(workspaceId, input);
        },
      };
      const first = counter(flaky, workspace, clock);
      assert.equal(await first.lag(), 30);
      assert.equal(await first.poll(), 7);
      failNext = true;
      await assert.rejects(first.poll(), /crash before the commit/);
      clock.advance(1000); // the first instance's lease passes
      const restarted = counter(flaky, workspace, clock);
      assert.equal(await restarted.drain(), 23);
      assert.equal((await storage.documents.get(workspace, COUNTS, 'n'))?.value, 30);
      assert.equal(await restarted.lag(), 0);
      assert.equal((await restarted.checkpoint())?.applied, 30);
    },
  },
  {
    port: 'commit',
    name: 'a consumer that starts from now skips the log so far and follows what comes after',
    async run({ storage, workspace, clock }) {
      await storage.events.append(workspace, makeEvents(5));
      const live = counter(storage, workspace, clock, 'now');
      assert.equal(await live.drain(), 0);
      await storage.events.append(workspace, makeEvents(3, { start: Date.parse('2026-06-01T00:00:00Z') }));
      assert.equal(await live.lag(), 3);
      assert.equal(await live.drain(), 3);
      assert.equal((await storage.documents.get(workspace, COUNTS, 'n'))?.value, 3);
    },
  },
];
