import { createHash } from 'node:crypto';
import { encodeCursor, isCxError } from '@cx/core';
import { makeEvents } from '@cx/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, postgresStorage } from '../src';
import { eventsMigration } from '../src/migrations/0001-events';
import { profilesMigration } from '../src/migrations/0002-profiles';
import { leasesMigration } from '../src/migrations/0003-leases';
import { documentsMigration } from '../src/migrations/0004-documents';
import { freshSchema, testPool, untilScanSees } from './helpers';

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
    expect(first).toEqual({ schema, applied: [1, 2, 3, 4, 5, 6] });
    expect(await migrate(pool, { schema })).toEqual({ schema, applied: [] });
    const recorded = await pool.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
      `SELECT version, name, checksum, applied_at FROM "${schema}".cx_migrations ORDER BY version`,
    );
    expect(recorded.rows.map((row) => [row.version, row.name])).toEqual([
      [1, 'events'],
      [2, 'profiles'],
      [3, 'leases'],
      [4, 'documents'],
      [5, 'event-visibility'],
      [6, 'work'],
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
      expect(applied.filter((versions) => versions.length > 0)).toEqual([[1, 2, 3, 4, 5, 6]]);
      expect(applied.filter((versions) => versions.length === 0)).toHaveLength(5);
      const count = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".cx_migrations`);
      expect(Number(count.rows[0]!.n)).toBe(6);
    } finally {
      await Promise.all(pools.map((each) => each.end()));
    }
  });

  it('leaves the storage usable after concurrent migrations of the default schema', async () => {
    await Promise.all([migrate(pool), migrate(pool), migrate(pool)]);
    const storage = postgresStorage({ pool });
    const rows = await storage.sql!.query<{ n: string }>('SELECT count(*) AS n FROM cx_migrations');
    expect(Number(rows[0]!.n)).toBe(6);
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

  it('upgrades a schema with events to version 5: order kept, and scan cursors made before still work', async () => {
    // The schema as the release before migration 5 left it, recorded the way migrate() does.
    const schema = freshSchema();
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(`CREATE TABLE "${schema}".cx_migrations (
      version integer PRIMARY KEY, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), checksum text NOT NULL)`);
    for (const migration of [eventsMigration, profilesMigration, leasesMigration, documentsMigration]) {
      await pool.query(migration.sql.replaceAll('{schema}', `"${schema}"`));
      await pool.query(
        `INSERT INTO "${schema}".cx_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, createHash('sha256').update(migration.sql).digest('hex')],
      );
    }
    const storage = postgresStorage({ pool, schema });
    const before = makeEvents(3);
    await storage.events.append('acme', before);
    const seqs = await pool.query<{ seq: string }>(`SELECT seq FROM "${schema}".cx_events ORDER BY seq`);
    // What scan returned as nextCursor after the first event, before the upgrade.
    const oldCursor = encodeCursor({ seq: Number(seqs.rows[0]!.seq) });

    expect(await migrate(pool, { schema })).toEqual({ schema, applied: [5, 6] });
    const after = makeEvents(2, { start: Date.parse('2025-01-01T00:00:00Z') });
    await storage.events.append('acme', after);
    await untilScanSees(pool, 'acme', `"${schema}".cx_events`);
    const ids = (page: { items: { messageId: string }[] }) => page.items.map((event) => event.messageId);
    const all = [...before, ...after].map((event) => event.messageId);
    expect(ids(await storage.events.scan('acme'))).toEqual(all);
    const resumed = await storage.events.scan('acme', { cursor: oldCursor, limit: 3 });
    expect(ids(resumed)).toEqual(all.slice(1, 4));
    expect(ids(await storage.events.scan('acme', { cursor: resumed.nextCursor }))).toEqual(all.slice(4));
  });
});
