import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createWorker, memoryStorage, type Storage } from '@cx/core';
import type { Benchmark } from '../harness';
import { startableClock } from '../work/startable-clock';

const ITEMS = 1_000_000;
const SPREAD_MS = 20_000;
const SCHEDULE_BATCH = 1000;
const WORKSPACE = 'bench';
const QUEUE = 'bench.timers';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Schedules ITEMS timers due evenly over SPREAD_MS after `at`. */
async function scheduleTimers(storage: Storage, at: number) {
  for (let start = 0; start < ITEMS; start += SCHEDULE_BATCH) {
    await storage.work.schedule(
      WORKSPACE,
      Array.from({ length: SCHEDULE_BATCH }, (_, i) => ({
        queue: QUEUE,
        key: `t${start + i}`,
        dueAt: at + Math.floor(((start + i) / ITEMS) * SPREAD_MS),
        payload: { n: start + i },
      })),
    );
  }
}

/**
 * 1,000,000 timers due over 20 s, run by `createWorker` on the memory adapter: the 99th
 * percentile of how late each was handled (handled time − due time), in ms.
 */
const lateness: Benchmark = {
  name: 'core.work.lateness.memory',
  unit: 'ms (p99)',
  higherIsBetter: false,
  runs: 3,
  async measure() {
    const at = Date.parse('2026-01-01T00:00:00Z');
    const { clock, start } = startableClock(at);
    const storage = memoryStorage({ clock });
    await scheduleTimers(storage, at);
    const late = new Float64Array(ITEMS);
    let handled = 0;
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => (finished = resolve));
    const worker = createWorker({
      storage,
      clock,
      workspaceId: WORKSPACE,
      queue: QUEUE,
      batchSize: 1000,
      leaseMs: 60_000,
      idle: { minMs: 1, maxMs: 5 },
      handler: async (item) => {
        late[handled++] = clock.now() - Date.parse(item.dueAt);
        if (handled === ITEMS) finished();
      },
    });
    start();
    worker.start();
    await done;
    await worker.stop();
    late.sort();
    return { value: late[Math.floor(ITEMS * 0.99)]! };
  },
};

/** Heap bytes per scheduled item, with 1,000,000 items waiting in the memory adapter. */
const bytesPerItem: Benchmark = {
  name: 'core.work.bytes-per-item.memory',
  unit: 'bytes/item',
  higherIsBetter: false,
  runs: 3,
  async measure() {
    gc();
    const before = process.memoryUsage().heapUsed;
    const storage = memoryStorage();
    await scheduleTimers(storage, Date.now() + 60_000);
    gc();
    const after = process.memoryUsage().heapUsed;
    const value = (after - before) / ITEMS;
    // Keep the storage alive until measured.
    if ((await storage.work.stats(WORKSPACE))[0]?.scheduled !== ITEMS) throw new Error('items missing');
    return { value };
  },
};

export const benchmarks: Benchmark[] = [lateness, bytesPerItem];
