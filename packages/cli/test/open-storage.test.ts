import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemporaryDatabase } from '@cx/storage-postgres/testing';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { openStorage } from '../src/storage/open-storage';

describe('openStorage', () => {
  it('opens memory and sqlite:<file>, and refuses anything else with CONFIG', async () => {
    const memory = await openStorage('memory');
    expect(memory.storage.name).toBe('memory');
    await memory.close();

    const dir = mkdtempSync(join(tmpdir(), 'cx-open-'));
    try {
      const sqlite = await openStorage(`sqlite:${join(dir, 'x.db')}`);
      expect(sqlite.storage.name).toBe('sqlite');
      expect(sqlite.storage.capabilities.persistent).toBe(true);
      await sqlite.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const spec of ['', 'sqlite:', 'mysql://x', 'redis://localhost']) {
      await expect(openStorage(spec)).rejects.toMatchObject({ code: 'CONFIG' });
    }
  });

  it('opens a postgres URL, migrating first, and hides the password in its description', async () => {
    // A database of its own, so the migration never touches anyone else's tables.
    const database = await createTemporaryDatabase({ prefix: 'cx_cli_test' });
    const url = new URL(database.url);
    url.password = 'secret';
    const lost: Error[] = [];
    try {
      const opened = await openStorage(url.href, { onConnectionError: (error) => lost.push(error) });
      try {
        expect(opened.storage.name).toBe('postgres');
        expect(opened.description).toBe(`postgres ${url.host}/${database.name}`);
        expect(opened.description).not.toContain('secret');
        const rows = await opened.storage.sql!.query<{ n: number }>('SELECT 1 AS n');
        expect(rows).toEqual([{ n: 1 }]);

        // An administrator ends the idle connection: reported, not fatal, and the next query reconnects.
        const admin = new pg.Client({ connectionString: database.url });
        await admin.connect();
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database.name],
        );
        await admin.end();
        await vi.waitFor(() => expect(lost.length).toBeGreaterThan(0));
        expect(await opened.storage.sql!.query<{ n: number }>('SELECT 2 AS n')).toEqual([{ n: 2 }]);
      } finally {
        await opened.close();
      }
    } finally {
      await database.drop();
    }
  });
});
