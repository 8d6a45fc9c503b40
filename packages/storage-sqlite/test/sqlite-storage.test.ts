import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Clock, ManualClock, memoryStorage, type Storage } from '@cx/core';
import { makeEvent } from '@cx/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyRecommendedPragmas, SCHEMA_VERSION, sqliteStorage, WAL_AUTOCHECKPOINT_PAGES } from '../src';

let dir: string;
let filename: string;
const opened: Storage[] = [];
const open = (options: Parameters<typeof sqliteStorage>[0] = {}) => {
  const storage = sqliteStorage(options);
  opened.push(storage);
  return storage;
};
const scalar = async (storage: Storage, text: string) => {
  const [row] = await storage.sql!.query(text);
  return Object.values(row!)[0];
};

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cx-sqlite-'));
  filename = path.join(dir, 'cx.db');
});
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('opening a database', () => {
  it('puts a file in WAL mode with synchronous NORMAL and foreign keys on', async () => {
    const storage = open({ filename });
    expect(await scalar(storage, 'PRAGMA journal_mode')).toBe('wal');
    expect(await scalar(storage, 'PRAGMA synchronous')).toBe(1);
    expect(await scalar(storage, 'PRAGMA foreign_keys')).toBe(1);
    expect(await scalar(storage, 'PRAGMA wal_autocheckpoint')).toBe(WAL_AUTOCHECKPOINT_PAGES);
    expect(Number(await scalar(storage, 'PRAGMA busy_timeout'))).toBeGreaterThan(0);
    expect(storage.capabilities).toEqual({ sql: true, persistent: true, multiProcess: false });
  });

  it('applyRecommendedPragmas gives a database the application opened the same settings', () => {
    const db = new Database(filename);
    try {
      applyRecommendedPragmas(db);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
    } finally {
      db.close();
    }
  });

  it('declares an in-memory database not persistent', () => {
    expect(open().capabilities).toEqual({ sql: true, persistent: false, multiProcess: false });
  });

  it('applies each migration once and records it, across reopens', async () => {
    const clock = new ManualClock('2026-02-01T00:00:00.000Z');
    const first = open({ filename, clock });
    const versions = 'SELECT version, name, applied_at FROM cx_migrations ORDER BY version';
    const applied = await first.sql!.query<{ version: number; applied_at: string }>(versions);
    expect(applied.map((row) => row.version)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, index) => index + 1),
    );
    expect(applied.every((row) => row.applied_at === '2026-02-01T00:00:00.000Z')).toBe(true);
    const event = makeEvent();
    await first.events.append('ws', [event]);
    await first.close();

    clock.advance(60_000);
    const second = open({ filename, clock });
    expect(await second.sql!.query(versions)).toEqual(applied);
    expect(await second.events.get('ws', event.messageId)).toEqual(event);
  });

  it('refuses a database migrated by a newer version of the adapter', async () => {
    const storage = open({ filename });
    await storage.sql!.query("INSERT INTO cx_migrations VALUES (?, 'from the future', '')", [
      SCHEMA_VERSION + 1,
    ]);
    await storage.close();
    expect(() => sqliteStorage({ filename })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('fails with an AdapterError when the file cannot be opened', () => {
    const missing = path.join(dir, 'no-such-dir', 'cx.db');
    expect(() => sqliteStorage({ filename: missing })).toThrow(
      expect.objectContaining({ code: 'ADAPTER', adapter: 'sqlite', op: 'open' }),
    );
  });
});

describe('options', () => {
  it.each([
    ['an empty filename', { filename: '' }],
    ['a filename that is not a string', { filename: 42 }],
    ['both filename and database', { filename: 'cx.db', database: new Database(':memory:') }],
    ['a database that is not better-sqlite3', { database: { prepare: 1 } }],
    ['a clock without now()', { clock: {} }],
    ['an id generator that is not a function', { newId: 'ulid' }],
    ['an unknown option', { file: 'cx.db' }],
    ['options that are not an object', 'cx.db'],
  ])('rejects %s with a ConfigError', (_what, options) => {
    expect(() => sqliteStorage(options as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('rejects a closed database with a ConfigError', () => {
    const db = new Database(':memory:');
    db.close();
    expect(() => sqliteStorage({ database: db })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });
});

describe('a database the application owns', () => {
  it('is used as given and left open by close()', async () => {
    const db = new Database(filename);
    const storage = sqliteStorage({ database: db });
    expect(storage.capabilities.persistent).toBe(true);
    await storage.events.append('ws', [makeEvent({ messageId: 'm1' })]);
    await storage.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT count(*) FROM cx_events').pluck().get()).toBe(1);
    // The adapter does not change the application's own connection settings.
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
  });

  it('works on a handle that reads integers as BigInt', async () => {
    const db = new Database(':memory:').defaultSafeIntegers(true);
    const storage = sqliteStorage({ database: db, clock: new ManualClock('2026-01-01T00:00:00.000Z') });
    await storage.events.append('ws', [makeEvent(), makeEvent()]);
    const page = await storage.events.scan('ws', { limit: 1 });
    expect((await storage.events.scan('ws', { cursor: page.nextCursor })).items).toHaveLength(1);
    expect((await storage.profiles.create('ws', {})).createdAt).toBe('2026-01-01T00:00:00.000Z');
    await storage.close();
    db.close();
  });

  it('surfaces the application closing it as AdapterErrors', async () => {
    const db = new Database(':memory:');
    const storage = sqliteStorage({ database: db });
    db.close();
    await expect(storage.profiles.create('ws', {})).rejects.toMatchObject({
      code: 'ADAPTER',
      adapter: 'sqlite',
      op: 'profiles.create',
    });
  });
});

describe('driver failures', () => {
  it('are AdapterErrors naming the operation, after close()', async () => {
    const storage = sqliteStorage();
    await storage.close();
    await storage.close();
    await expect(storage.events.append('ws', [makeEvent()])).rejects.toMatchObject({
      code: 'ADAPTER',
      adapter: 'sqlite',
      op: 'events.append',
    });
    await expect(storage.events.scan('ws')).rejects.toMatchObject({ code: 'ADAPTER', op: 'events.scan' });
    await expect(storage.leases.acquire('ws', { key: 'k', owner: 'o', ttlMs: 10 })).rejects.toMatchObject({
      code: 'ADAPTER',
      op: 'leases.acquire',
    });
    await expect(storage.documents.get('ws', 'c', 'k')).rejects.toMatchObject({ code: 'ADAPTER' });
  });

  it('still reports bad input as a ValidationError first', async () => {
    const storage = sqliteStorage();
    await storage.close();
    await expect(storage.events.append('bad workspace!', [])).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('storage.sql', () => {
  it('returns rows for queries and an empty list for other statements', async () => {
    const storage = open();
    expect(storage.sql!.dialect).toBe('sqlite');
    expect(await storage.sql!.query('CREATE TABLE app_notes (id INTEGER PRIMARY KEY, note TEXT)')).toEqual(
      [],
    );
    expect(await storage.sql!.query('INSERT INTO app_notes (note) VALUES (?)', ['hello'])).toEqual([]);
    expect(await storage.sql!.query('SELECT id, note FROM app_notes WHERE note = ?', ['hello'])).toEqual([
      { id: 1, note: 'hello' },
    ]);
  });

  it('rejects empty SQL as a ValidationError and bad SQL as an AdapterError', async () => {
    const storage = open();
    await expect(storage.sql!.query('')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(storage.sql!.query('SELEC 1')).rejects.toMatchObject({ code: 'ADAPTER', op: 'sql.query' });
  });
});

describe('same results as the in-memory reference', () => {
  /** The same profile history on any storage, returning every record it produced. */
  async function history(storage: Storage) {
    const id = (type: string, value: string) => ({ type, value });
    const out: unknown[] = [];
    out.push(
      await storage.profiles.create('ws', { id: 'a', identifiers: [id('user_id', 'a'), id('email', 'a@x')] }),
    );
    out.push(
      await storage.profiles.create('ws', { id: 'b', identifiers: [id('email', 'b@x'), id('phone', '1')] }),
    );
    out.push(
      await storage.profiles.addIdentifiers('ws', 'a', [
        id('phone', '2'),
        id('user_id', 'a'),
        id('email', 'c@x'),
      ]),
    );
    out.push(await storage.profiles.removeIdentifiers('ws', 'a', [id('email', 'a@x')]));
    out.push(await storage.profiles.addIdentifiers('ws', 'a', [id('email', 'a@x')]));
    out.push(await storage.profiles.patchTraits('ws', 'b', { set: { z: 1, a: { deep: [1] } } }));
    out.push(await storage.profiles.merge('ws', { into: 'b', from: 'a' }));
    out.push(await storage.profiles.create('ws', { id: 'c', identifiers: [id('anonymous_id', 'c')] }));
    out.push(await storage.profiles.merge('ws', { into: 'c', from: 'b' }));
    out.push(
      await storage.profiles.unmerge('ws', {
        into: 'c',
        from: 'b',
        intoIdentifiers: [id('phone', '1'), id('anonymous_id', 'c')],
        fromIdentifiers: [
          id('email', 'a@x'),
          id('email', 'b@x'),
          id('user_id', 'a'),
          id('phone', '2'),
          id('email', 'c@x'),
        ],
        intoTraits: { kept: 'c' },
        fromTraits: { kept: 'b' },
      }),
    );
    const codeOf = (action: Promise<unknown>) =>
      action.then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );
    out.push(
      await codeOf(
        storage.profiles.unmerge('ws', {
          into: 'c',
          from: 'b',
          intoIdentifiers: [],
          fromIdentifiers: [],
          intoTraits: {},
          fromTraits: {},
        }),
      ),
    );
    out.push(await storage.profiles.get('ws', 'a'));
    out.push((await storage.profiles.members('ws', 'b')).sort());
    out.push(await storage.profiles.list('ws', { limit: 1 }));
    out.push(await storage.profiles.lookupIdentifiers('ws', [id('email', 'b@x'), id('phone', '9')]));
    out.push((await storage.profiles.members('ws', 'c')).sort());
    return out;
  }

  it('keeps identifiers in the order they were attached through adds, removes, merges and unmerges', async () => {
    const clock = (): Clock => new ManualClock('2026-01-01T00:00:00.000Z');
    expect(await history(open({ clock: clock() }))).toEqual(await history(memoryStorage({ clock: clock() })));
  });
});
