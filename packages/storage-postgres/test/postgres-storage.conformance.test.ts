import { runStorageConformance } from '@cx/core/testing';
import { afterAll } from 'vitest';
import { migrate, postgresStorage } from '../src';
import { testPool, untilScanSees } from './helpers';

const pool = testPool({ max: 10 });
afterAll(() => pool.end());

runStorageConformance({
  name: 'postgres',
  open: async (clock) => {
    await migrate(pool);
    const storage = postgresStorage({ pool, clock });
    const { events } = storage;
    // The checks read their own appends at once. `scan` shows a row only when every older
    // transaction in the cluster has ended, so a write by another test file or another user of
    // the shared server could hold it back for a moment: each scan first waits for that. The
    // wait changes no result; it only removes the timing.
    return {
      ...storage,
      events: {
        ...events,
        async scan(workspaceId, query) {
          await untilScanSees(pool, workspaceId);
          return events.scan(workspaceId, query);
        },
        async readLog(workspaceId, query) {
          await untilScanSees(pool, workspaceId);
          return events.readLog(workspaceId, query);
        },
        async logHead(workspaceId) {
          await untilScanSees(pool, workspaceId);
          return events.logHead(workspaceId);
        },
        async countAfter(workspaceId, position) {
          await untilScanSees(pool, workspaceId);
          return events.countAfter(workspaceId, position);
        },
      },
    };
  },
  peek: () => ({
    async countEvents(workspaceId) {
      const result = await pool.query<{ count: string }>(
        'SELECT count(*) AS count FROM cx_events WHERE workspace_id = $1',
        [workspaceId],
      );
      return Number(result.rows[0]!.count);
    },
  }),
});
