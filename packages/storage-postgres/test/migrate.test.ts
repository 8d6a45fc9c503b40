import { isCxError } from '@cx/core';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, postgresStorage } from '../src';
import { freshSchema, testPool } from './helpers';

const pool = testPool();
afterAll(() => pool.end());

async function codeOf(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    return isCxError(error) ? error.code : `not a cx error: ${String(error)}`;
  }
  return undefined;
}

describe('migrate', () => {
  it('applies every migration once and records it; a second call does nothing', async () => {
    const schema = freshSchema();
    const first = await migrate(pool, { schema });
    expect(first).toEqual({ schema, applied: [1, 2, 3, 4] });
    expect(await migrate(pool, { schema })).toEqual({ schema, applied: [] });
    const recorded = await pool.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
      `SELECT version, name, checksum, applied_at FROM "${schema}".cx_migrations ORDER BY version`,
    );
    expect(recorded.rows.map((row) => [row.version, row.name])).toEqual([
      [1, 'events'],
      [2, 'profiles'],
      [3, 'leases'],
      [4, 'documents'],
    ]);
    for (const row of recorded.rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.applied_at).toBeInstanceOf(Date);
    }
  });

  it('is safe when several processes migrate the same schema at once', async () => {
    const schema = freshSchema();
    // Separate pools stand in for separate processes: each has its own connections.
    const pools = [testPool({ max: 2 }), testPool({ max: 2 }), testPool({ max: 2 })];
    try {
      const results = await Promise.all(
        pools.flatMap((each) => [migrate(each, { schema }), migrate(each, { schema })]),
      );
      const applied = results.map((result) => result.applied);
      expect(applied.filter((versions) => versions.length > 0)).toEqual([[1, 2, 3, 4]]);
      expect(applied.filter((versions) => versions.length === 0)).toHaveLength(5);
      const count = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".cx_migrations`);
      expect(Number(count.rows[0]!.n)).toBe(4);
    } finally {
      await Promise.all(pools.map((each) => each.end()));
    }
  });

  it('leaves the storage usable after concurrent migrations of the default schema', async () => {
    await Promise.all([migrate(pool), migrate(pool), migrate(pool)]);
    const storage = postgresStorage({ pool });
    const rows = await storage.sql!.query<{ n: string }>('SELECT count(*) AS n FROM cx_migrations');
    expect(Number(rows[0]!.n)).toBe(4);
  });

  it('refuses a released migration whose SQL changed, with CONFIG', async () => {
    const schema = freshSchema();
    await migrate(pool, { schema });
    await pool.query(`UPDATE "${schema}".cx_migrations SET checksum = 'edited' WHERE version = 2`);
    expect(await codeOf(() => migrate(pool, { schema }))).toBe('CONFIG');
  });

  it('rejects bad arguments with CONFIG', async () => {
    expect(await codeOf(() => migrate(pool, { schema: 'Not A Schema' }))).toBe('CONFIG');
    expect(await codeOf(() => migrate(pool, { schema: 'x'.repeat(64) }))).toBe('CONFIG');
    expect(await codeOf(() => migrate(pool, { schema: 'ok', extra: true } as never))).toBe('CONFIG');
    expect(await codeOf(() => migrate({} as never))).toBe('CONFIG');
  });
});
