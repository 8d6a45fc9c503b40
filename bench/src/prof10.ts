import { createWorker, memoryStorage } from '@cx/core';

const storage = memoryStorage();
const N = 200_000;
for (let s = 0; s < N; s += 1000)
  await storage.work.schedule(
    'ws',
    Array.from({ length: 1000 }, (_, i) => ({ queue: 'q', key: `k${s + i}`, payload: { n: i } })),
  );
const worker = createWorker({
  storage,
  workspaceId: 'ws',
  queue: 'q',
  batchSize: 1000,
  handler: async () => {},
});
const t0 = performance.now();
await worker.drain();
console.log('items/s', N / ((performance.now() - t0) / 1000));
