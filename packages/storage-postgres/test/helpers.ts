import { setTimeout } from 'node:timers/promises';
import pg from 'pg';
import { inject } from 'vitest';

/** A pool on this run's test database (see global-setup.ts). The test file ends it. */
export function testPool(options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 6, ...options });
  // The run's database is dropped WITH (FORCE) at the end; a connection it ends is not a failure.
  pool.on('error', () => {});
  return pool;
}

let counter = 0;

/** A schema name no other test uses, for tests that need their own tables. */
export function freshSchema(prefix = 'cx'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Waits until `scan` can see every committed event of a workspace: until no row of it belongs
 * to a transaction at or above the cluster's xmin. Rows of a transaction stay hidden from
 * `scan` while any older transaction runs, and xmin is cluster-wide, so a write elsewhere on the
 * shared server (another test file, another run) can briefly hold back rows this test just
 * appended. Tests that expect to read their own appends wait for that here; the poll ends as
 * soon as the condition holds, and the test timeout bounds it.
 */
export async function untilScanSees(pool: pg.Pool, workspaceId: string, table = 'cx_events'): Promise<void> {
  for (;;) {
    const result = await pool.query<{ pending: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM ${table}
         WHERE workspace_id = $1 AND tx_id >= pg_snapshot_xmin(pg_current_snapshot())
       ) AS pending`,
      [workspaceId],
    );
    if (!result.rows[0]!.pending) return;
    await setTimeout(5);
  }
}
