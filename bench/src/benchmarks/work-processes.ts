import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { createTemporaryDatabase, type TemporaryDatabase } from '@cx/storage-postgres/testing';
import pg from 'pg';
import type { Benchmark } from '../harness';
import { WORK_BATCH, WORK_QUEUE } from '../work/work-cycle';

const ITEMS = 40_000;
const here = path.dirname(fileURLToPath(import.meta.url));
let database: TemporaryDatabase | undefined;
let pool: pg.Pool | undefined;
let run = 0;

/** Runs one claim process to completion and reads what it printed. */
function claimProcess(
  workspaceId: string,
  owner: string,
): Promise<{ first: number; last: number; count: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(here, '..', 'work', 'claim-process.ts'),
        JSON.stringify({ url: database!.url, workspaceId, owner }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`claim process exited ${code}`)),
    );
  });
}

/** Items claimed and completed per second by `workers` processes draining one queue of ITEMS. */
async function drainWith(workers: number): Promise<number> {
  const workspaceId = `bench_${run++}`;
  const storage = postgresStorage({ pool: pool! });
  for (let start = 0; start < ITEMS; start += WORK_BATCH) {
    await storage.work.schedule(
      workspaceId,
      Array.from({ length: WORK_BATCH }, (_, i) => ({
        queue: WORK_QUEUE,
        key: `k${start + i}`,
        payload: { n: start + i },
      })),
    );
  }
  await pool!.query('VACUUM ANALYZE cx_work');
  const results = await Promise.all(
    Array.from({ length: workers }, (_, i) => claimProcess(workspaceId, `w${i}`)),
  );
  const total = results.reduce((sum, r) => sum + r.count, 0);
  if (total !== ITEMS) throw new Error(`drained ${total} of ${ITEMS} items`);
  const span = Math.max(...results.map((r) => r.last)) - Math.min(...results.map((r) => r.first));
  return (ITEMS * 1000) / span;
}

/**
 * Two worker processes claiming and completing from one PostgreSQL queue, against one process
 * draining the same number of items (40,000 pre-scheduled, batches of 500). No goal: PostgreSQL
 * shares this machine's two cores with the workers, so the ratio shows contention, not scale-out.
 */
const twoWorkers: Benchmark = {
  name: 'core.work.postgres-2workers',
  unit: 'items/s',
  higherIsBetter: true,
  peer: 'one worker process',
  runs: 3,
  async setup() {
    database = await createTemporaryDatabase({ prefix: 'cx_bench_workers' });
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    pool.on('error', () => {});
    await migrate(pool);
  },
  async measure() {
    const one = await drainWith(1);
    const two = await drainWith(2);
    return { value: two, peerValue: one };
  },
  async teardown() {
    pool?.on('error', () => {});
    await pool?.end();
    pool = undefined;
    await database?.drop();
  },
};

export const benchmarks: Benchmark[] = [twoWorkers];
