import { runStorageConformance } from '@cx/core/testing';
import { afterAll } from 'vitest';
import { migrate, postgresStorage } from '../src';
import { testPool } from './helpers';

const pool = testPool({ max: 10 });
afterAll(() => pool.end());

runStorageConformance({
  name: 'postgres',
  open: async (clock) => {
    await migrate(pool);
    return postgresStorage({ pool, clock });
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
