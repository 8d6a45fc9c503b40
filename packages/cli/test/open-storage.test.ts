import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
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
    const server = process.env.CX_POSTGRES_URL ?? 'postgres://postgres:secret@127.0.0.1:5432/postgres';
    const database = `cx_cli_test_${process.pid}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(server);
    url.pathname = `/${database}`;
    try {
      const opened = await openStorage(url.href);
      try {
        expect(opened.storage.name).toBe('postgres');
        expect(opened.description).toBe(`postgres ${url.host}/${database}`);
        expect(opened.description).not.toContain('secret');
        const rows = await opened.storage.sql!.query<{ n: number }>('SELECT 1 AS n');
        expect(rows).toEqual([{ n: 1 }]);
      } finally {
        await opened.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });
});
