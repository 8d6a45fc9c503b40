import { describe, expect, it } from 'vitest';
import { type ClaimedWork, createWorker, isCxError, ManualClock, memoryStorage } from '../src';

const WS = 'acme';
const Q = 'test.batch';

function setup() {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const storage = memoryStorage({ clock });
  return { clock, storage };
}

const stateOf = (item: ClaimedWork<{ n: number }>, by: string) => ({
  collection: 'test.state',
  key: item.key,
  value: { n: item.payload.n, by },
});

describe('createWorker batchHandler', () => {
  it('commits a whole batch at once, with every completion', async () => {
    const { clock, storage } = setup();
    const batches: number[] = [];
    const worker = createWorker<{ n: number }>({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      batchSize: 50,
      handler: async () => {
        throw new Error('the per-item handler should not run');
      },
      batchHandler: async (items) => {
        batches.push(items.length);
        return { documents: items.map((item) => stateOf(item, 'batch')) };
      },
    });
    await storage.work.schedule(
      WS,
      Array.from({ length: 120 }, (_, n) => ({ queue: Q, key: `k${n}`, dueAt: clock.now(), payload: { n } })),
    );
    expect(await worker.drain()).toBe(120);
    expect(batches).toEqual([50, 50, 20]);
    expect((await storage.work.stats(WS)).find((queue) => queue.queue === Q)?.scheduled ?? 0).toBe(0);
    expect((await storage.documents.get(WS, 'test.state', 'k119'))?.value).toEqual({ n: 119, by: 'batch' });
  });

  it('falls back to the per-item handler when the batch commit is refused, storing nothing of the batch', async () => {
    const { clock, storage } = setup();
    // A document the batch expects to be new already exists: its commit is refused with CONFLICT.
    await storage.documents.put(WS, { collection: 'test.state', key: 'k1', value: { by: 'someone' } });
    const perItem: string[] = [];
    const worker = createWorker<{ n: number }>({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      handler: async (item) => {
        perItem.push(item.key);
        if (item.key === 'k1') return;
        return { documents: [stateOf(item, 'item')] };
      },
      batchHandler: async (items) => ({
        documents: items.map((item) => ({ ...stateOf(item, 'batch'), expectedVersion: 0 })),
      }),
    });
    await storage.work.schedule(
      WS,
      [0, 1, 2].map((n) => ({ queue: Q, key: `k${n}`, dueAt: clock.now(), payload: { n } })),
    );
    expect(await worker.drain()).toBe(3);
    expect(perItem.sort()).toEqual(['k0', 'k1', 'k2']);
    expect((await storage.documents.get(WS, 'test.state', 'k0'))?.value).toEqual({ n: 0, by: 'item' });
    expect((await storage.documents.get(WS, 'test.state', 'k1'))?.value).toEqual({ by: 'someone' });
  });

  it('falls back when the batch handler throws, and the failing item alone is retried', async () => {
    const { clock, storage } = setup();
    const worker = createWorker<{ n: number }>({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      handler: async (item) => {
        if (item.key === 'bad') throw new Error('cannot handle bad');
        return { documents: [stateOf(item, 'item')] };
      },
      batchHandler: async () => {
        throw new Error('one item of the batch failed');
      },
    });
    await storage.work.schedule(WS, [
      { queue: Q, key: 'good', dueAt: clock.now(), payload: { n: 1 } },
      { queue: Q, key: 'bad', dueAt: clock.now(), payload: { n: 2 } },
    ]);
    expect(await worker.drain()).toBe(2);
    expect((await storage.documents.get(WS, 'test.state', 'good'))?.value).toEqual({ n: 1, by: 'item' });
    expect(await storage.work.get(WS, Q, 'good')).toBeNull();
    expect(await storage.work.get(WS, Q, 'bad')).toMatchObject({
      state: 'scheduled',
      lastError: 'Error: cannot handle bad',
    });
  });
});

describe('WorkContext.commit', () => {
  it('commits with the completion once; the worker does not complete the item again', async () => {
    const { clock, storage } = setup();
    const errors: unknown[] = [];
    const worker = createWorker<{ n: number }>({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      onError: (error) => errors.push(error),
      handler: async (item, context) => {
        await context.commit({ documents: [stateOf(item, 'context')] });
      },
    });
    await storage.work.schedule(WS, [{ queue: Q, key: 'k', dueAt: clock.now(), payload: { n: 7 } }]);
    expect(await worker.drain()).toBe(1);
    expect(errors).toEqual([]);
    expect(await storage.work.get(WS, Q, 'k')).toBeNull();
    expect((await storage.documents.get(WS, 'test.state', 'k'))?.value).toEqual({ n: 7, by: 'context' });
  });

  it('throws what the commit throws: a lost lease is a CONFLICT', async () => {
    const { clock, storage } = setup();
    let thrown: unknown;
    const worker = createWorker<{ n: number }>({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      onError: () => {},
      handler: async (item, context) => {
        await storage.work.cancel(WS, Q, item.key);
        try {
          await context.commit({ documents: [stateOf(item, 'context')] });
        } catch (error) {
          thrown = error;
        }
      },
    });
    await storage.work.schedule(WS, [{ queue: Q, key: 'k', dueAt: clock.now(), payload: { n: 7 } }]);
    await worker.drain();
    expect(isCxError(thrown, 'CONFLICT')).toBe(true);
    expect(await storage.documents.get(WS, 'test.state', 'k')).toBeNull();
  });
});
