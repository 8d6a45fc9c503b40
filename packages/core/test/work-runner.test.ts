import { describe, expect, it, vi } from 'vitest';
import {
  type ClaimedWork,
  createLocalBus,
  createWorker,
  DeadLetter,
  isCxError,
  ManualClock,
  memoryStorage,
} from '../src';

const WS = 'acme';
const Q = 'test.jobs';

function setup() {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const storage = memoryStorage({ clock });
  return { clock, storage };
}

describe('createWorker', () => {
  it('completes what the handler finishes, in due order', async () => {
    const { clock, storage } = setup();
    const seen: string[] = [];
    const worker = createWorker({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      concurrency: 1,
      handler: async (item) => {
        seen.push(item.key);
      },
    });
    await storage.work.schedule(WS, [
      { queue: Q, key: 'b', dueAt: clock.now() - 10 },
      { queue: Q, key: 'a', dueAt: clock.now() - 20 },
      { queue: Q, key: 'later', dueAt: clock.now() + 60_000 },
    ]);
    expect(await worker.drain()).toBe(2);
    expect(seen).toEqual(['a', 'b']);
    expect(await storage.work.stats(WS)).toEqual([expect.objectContaining({ scheduled: 1, claimed: 0 })]);
    clock.advance(60_000);
    expect(await worker.drain()).toBe(1);
    expect(await storage.work.stats(WS)).toEqual([]);
  });

  it('retries a failing item with back-off, then dead-letters it with the last error', async () => {
    const { clock, storage } = setup();
    const worker = createWorker({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      maxAttempts: 3,
      backoff: (attempts) => attempts * 1000,
      handler: async (item) => {
        throw new Error(`provider down (attempt ${item.attempts})`);
      },
    });
    await storage.work.schedule(WS, [{ queue: Q, key: 'k', dueAt: clock.now() }]);
    expect(await worker.drain()).toBe(1);
    let item = await storage.work.get(WS, Q, 'k');
    expect(item).toMatchObject({
      state: 'scheduled',
      attempts: 1,
      lastError: 'Error: provider down (attempt 1)',
    });
    expect(item!.dueAt).toBe(new Date(clock.now() + 1000).toISOString());
    clock.advance(999);
    expect(await worker.drain()).toBe(0);
    clock.advance(1);
    expect(await worker.drain()).toBe(1);
    item = await storage.work.get(WS, Q, 'k');
    expect(item!.dueAt).toBe(new Date(clock.now() + 2000).toISOString());
    clock.advance(2000);
    expect(await worker.drain()).toBe(1);
    expect((await storage.work.deadLetters(WS, Q)).items).toEqual([
      expect.objectContaining({
        key: 'k',
        state: 'dead',
        attempts: 3,
        lastError: 'Error: provider down (attempt 3)',
      }),
    ]);
  });

  it('dead-letters at once an item whose handler throws DeadLetter, with its reason', async () => {
    const { clock, storage } = setup();
    const worker = createWorker({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      maxAttempts: 5,
      handler: async () => {
        throw new DeadLetter('every provider refused the message');
      },
    });
    await storage.work.schedule(WS, [{ queue: Q, key: 'k', dueAt: clock.now() }]);
    expect(await worker.drain()).toBe(1);
    expect(await storage.work.get(WS, Q, 'k')).toMatchObject({
      state: 'dead',
      attempts: 1,
      lastError: 'every provider refused the message',
    });
  });

  it("commits the handler's state together with the completion; a lost lease commits neither", async () => {
    const { clock, storage } = setup();
    const errors: unknown[] = [];
    let slow: (() => void) | undefined;
    const worker = createWorker({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      leaseMs: 1000,
      onError: (error) => errors.push(error),
      handler: async (item: ClaimedWork<{ step: number }>) => {
        if (item.attempts === 1) await new Promise<void>((resolve) => (slow = resolve));
        return {
          documents: [
            { collection: 'test.state', key: item.key, value: { step: item.payload.step, by: item.owner } },
          ],
          schedule: [
            { queue: 'test.outbox', key: `${item.key}/email`, payload: { step: item.payload.step } },
          ],
        };
      },
    });
    await storage.work.schedule(WS, [{ queue: Q, key: 'i1', dueAt: clock.now(), payload: { step: 1 } }]);
    const first = worker.runOnce();
    await vi.waitFor(() => expect(slow).toBeDefined());
    clock.advance(1000); // the slow attempt's lease ends; another worker takes the item over
    const other = createWorker({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      owner: 'w2',
      handler: async (item) => ({
        documents: [{ collection: 'test.state', key: item.key, value: { by: 'w2' } }],
      }),
    });
    expect(await other.drain()).toBe(1);
    slow!();
    await first;
    expect(errors).toHaveLength(1);
    expect(isCxError(errors[0], 'CONFLICT')).toBe(true);
    expect((await storage.documents.get(WS, 'test.state', 'i1'))?.value).toEqual({ by: 'w2' });
    expect(await storage.work.get(WS, 'test.outbox', 'i1/email')).toBeNull();
    expect(await storage.work.get(WS, Q, 'i1')).toBeNull();
  });

  it('stop lets started items finish and releases the rest of the batch', async () => {
    const { clock, storage } = setup();
    let gate: (() => void) | undefined;
    const started: string[] = [];
    const worker = createWorker({
      storage,
      clock,
      workspaceId: WS,
      queue: Q,
      batchSize: 3,
      concurrency: 1,
      handler: async (item) => {
        started.push(item.key);
        await new Promise<void>((resolve) => (gate = resolve));
      },
    });
    await storage.work.schedule(
      WS,
      ['a', 'b', 'c'].map((key) => ({ queue: Q, key, dueAt: clock.now() })),
    );
    const batch = worker.runOnce();
    await vi.waitFor(() => expect(gate).toBeDefined());
    const stopped = worker.stop();
    gate!();
    await Promise.all([batch, stopped]);
    expect(started).toEqual(['a']);
    expect(await storage.work.get(WS, Q, 'a')).toBeNull();
    for (const key of ['b', 'c']) {
      expect(await storage.work.get(WS, Q, key)).toMatchObject({ state: 'scheduled', attempts: 0 });
    }
  });

  it('polls in the background and wakes at once on work.scheduled', async () => {
    const { clock, storage } = setup();
    const bus = createLocalBus();
    const done: string[] = [];
    const worker = createWorker({
      storage,
      clock,
      bus,
      workspaceId: WS,
      queue: Q,
      idle: { minMs: 60_000, maxMs: 60_000 }, // without the wake-up it would sleep a minute
      handler: async (item) => {
        done.push(item.key);
      },
    });
    worker.start();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let it go to sleep
    await storage.work.schedule(WS, [{ queue: Q, key: 'now', dueAt: clock.now() }]);
    await bus.publish('work.scheduled', { workspaceId: WS, queue: Q });
    await vi.waitFor(() => expect(done).toEqual(['now']), { timeout: 2000 });
    await worker.stop();
  });

  it('refuses bad options with CONFIG', () => {
    const { storage } = setup();
    const handler = async () => {};
    for (const bad of [{ batchSize: 0 }, { concurrency: 0 }, { maxAttempts: 0 }, { owner: '' }]) {
      expect(() => createWorker({ storage, workspaceId: WS, queue: Q, handler, ...bad })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
    }
  });
});

describe('createWorker heartbeat', () => {
  it('renews the lease of a long handler, so nobody takes the item over while it runs', async () => {
    const storage = memoryStorage(); // real time: the heartbeat runs on real timers
    let release: (() => void) | undefined;
    const worker = createWorker({
      storage,
      workspaceId: WS,
      queue: Q,
      leaseMs: 60,
      handler: async () => {
        await new Promise<void>((resolve) => (release = resolve));
      },
    });
    await storage.work.schedule(WS, [{ queue: Q, key: 'slow' }]);
    const running = worker.runOnce();
    await vi.waitFor(() => expect(release).toBeDefined());
    await new Promise((resolve) => setTimeout(resolve, 200)); // more than three leases
    expect(await storage.work.claim(WS, Q, { owner: 'thief', limit: 1, leaseMs: 60 })).toEqual([]);
    release!();
    expect(await running).toBe(1);
    expect(await storage.work.get(WS, Q, 'slow')).toBeNull();
  });
});
