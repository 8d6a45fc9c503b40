// A worker process of `core.work.postgres-2workers`: claims and completes batches of 500 until
// the queue is empty, then prints when it took its first and finished its last item.
import { postgresStorage } from '@cx/storage-postgres';
import pg from 'pg';
import { WORK_BATCH, WORK_QUEUE } from './work-cycle';

const { url, workspaceId, owner } = JSON.parse(process.argv[2]!) as Record<string, string>;
const pool = new pg.Pool({ connectionString: url, max: 2 });
const storage = postgresStorage({ pool });
let first = 0;
let last = 0;
let count = 0;
for (;;) {
  const claimed = await storage.work.claim(workspaceId!, WORK_QUEUE, {
    limit: WORK_BATCH,
    leaseMs: 60_000,
    owner: owner!,
  });
  if (claimed.length === 0) break;
  if (first === 0) first = performance.timeOrigin + performance.now();
  await storage.commit(workspaceId!, { complete: claimed });
  count += claimed.length;
  last = performance.timeOrigin + performance.now();
}
await pool.end();
process.stdout.write(`${JSON.stringify({ first, last, count })}\n`);
