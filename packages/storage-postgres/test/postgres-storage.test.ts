import { AdapterError, isCxError, ManualClock } from '@cx/core';
import { makeEvent, makeEvents } from '@cx/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, postgresStorage } from '../src';
import { freshSchema, testPool } from './helpers';

const pool = testPool();
afterAll(() => pool.end());

async function failure(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function codeOf(action: () => Promise<unknown>): Promise<string> {
  const error = await failure(action);
  return isCxError(error) ? error.code : `not a cx error: ${String(error)}`;
}

describe('postgresStorage options', () => {
  it('rejects bad options with CONFIG', async () => {
    for (const options of [
      undefined,
      {},
      { pool: 'postgres://localhost' },
      { pool, schema: 'Bad Schema' },
      { pool, clock: { now: 5 } },
      { pool, newId: 'ulid' },
      { pool, poool: pool },
    ]) {
      expect(await codeOf(async () => postgresStorage(options as never))).toBe('CONFIG');
    }
  });

  it('declares its capabilities and runs raw SQL with parameters', async () => {
    await migrate(pool);
    const storage = postgresStorage({ pool });
    expect(storage.name).toBe('postgres');
    expect(storage.capabilities).toEqual({ sql: true, persistent: true, multiProcess: true });
    expect(storage.sql?.dialect).toBe('postgres');
    expect(await storage.sql!.query('SELECT $1::int + 1 AS n', [41])).toEqual([{ n: 42 }]);
    expect(await codeOf(() => storage.sql!.query('SELEC nonsense'))).toBe('ADAPTER');
  });

  it('close() leaves the pool the caller passed open', async () => {
    await migrate(pool);
    const storage = postgresStorage({ pool });
    await storage.close();
    expect(pool.ended).toBe(false);
    const rows = await pool.query<{ ok: number }>('SELECT 1 AS ok');
    expect(rows.rows).toEqual([{ ok: 1 }]);
  });
});

describe('driver failures', () => {
  it('a pool that cannot connect surfaces as ADAPTER errors naming the adapter and operation', async () => {
    const closed = new pg.Pool({
      host: '127.0.0.1',
      port: 1,
      user: 'postgres',
      connectionTimeoutMillis: 2000,
    });
    try {
      const storage = postgresStorage({ pool: closed });
      const error = await failure(() => storage.events.append('acme', makeEvents(2)));
      expect(error).toBeInstanceOf(AdapterError);
      expect((error as AdapterError).code).toBe('ADAPTER');
      expect((error as AdapterError).adapter).toBe('postgres');
      expect((error as AdapterError).op).toBe('events.append');
      expect((error as AdapterError).cause).toBeInstanceOf(Error);
      expect(await codeOf(() => storage.profiles.merge('acme', { into: 'a', from: 'b' }))).toBe('ADAPTER');
      expect(await codeOf(() => storage.leases.acquire('acme', { key: 'k', owner: 'o', ttlMs: 10 }))).toBe(
        'ADAPTER',
      );
      expect(await codeOf(() => migrate(closed))).toBe('ADAPTER');
    } finally {
      await closed.end();
    }
  });

  it('a dropped table surfaces as ADAPTER errors from every kind of operation', async () => {
    const schema = freshSchema();
    await migrate(pool, { schema });
    const storage = postgresStorage({ pool, schema });
    await pool.query(`DROP TABLE "${schema}".cx_events, "${schema}".cx_profiles CASCADE`);
    expect(await codeOf(() => storage.events.append('acme', makeEvents(1)))).toBe('ADAPTER');
    expect(await codeOf(() => storage.events.scan('acme'))).toBe('ADAPTER');
    expect(await codeOf(() => storage.profiles.create('acme', {}))).toBe('ADAPTER');
    expect(await codeOf(() => storage.profiles.addIdentifiers('acme', 'p', []))).toBe('ADAPTER');
    const error = await failure(() => storage.events.get('acme', 'm1'));
    expect((error as AdapterError).op).toBe('events.get');
  });
});

describe('schemas', () => {
  it('a second schema isolates all data', async () => {
    const [one, two] = [freshSchema(), freshSchema()];
    await migrate(pool, { schema: one });
    await migrate(pool, { schema: two });
    const a = postgresStorage({ pool, schema: one });
    const b = postgresStorage({ pool, schema: two });
    const event = makeEvent({ profileId: 'p1' });
    await a.events.append('acme', [event]);
    await a.profiles.create('acme', { id: 'p1', identifiers: [{ type: 'email', value: 'an@example.com' }] });
    await a.documents.put('acme', { collection: 'c', key: 'k', value: 1 });
    expect(await b.events.get('acme', event.messageId)).toBeNull();
    expect((await b.events.scan('acme')).items).toEqual([]);
    expect(await b.profiles.get('acme', 'p1')).toBeNull();
    expect(await b.documents.get('acme', 'c', 'k')).toBeNull();
    const theirs = await b.profiles.create('acme', {
      id: 'p1',
      identifiers: [{ type: 'email', value: 'an@example.com' }],
    });
    expect(theirs.id).toBe('p1');
    expect((await b.events.append('acme', [event])).inserted).toEqual([event.messageId]);
    // storage.sql.tables points at the storage's own schema.
    expect(b.sql!.tables.events).toBe(`"${two}"."cx_events"`);
    const counted = await b.sql!.query<{ n: string }>(`SELECT count(*) AS n FROM ${b.sql!.tables.profiles}`);
    expect(Number(counted[0]!.n)).toBe(1);
  });
});

describe('text PostgreSQL cannot store', () => {
  let storage: ReturnType<typeof postgresStorage>;
  beforeAll(async () => {
    await migrate(pool);
    storage = postgresStorage({ pool, clock: new ManualClock('2026-01-01T00:00:00Z') });
  });

  it('an event with U+0000 or an unpaired surrogate is rejected by index; the rest of the batch is stored', async () => {
    const workspace = `nul_${Date.now()}`;
    const good = makeEvents(3);
    const nul = makeEvent({ properties: { note: 'a\u0000b' } });
    const surrogate = makeEvent({ properties: { ['k\ud800']: 1 } });
    const escaped = makeEvent({ properties: { note: 'literally \\u0000, not a NUL' } });
    const result = await storage.events.append(workspace, [
      good[0],
      nul,
      good[1],
      'junk',
      surrogate,
      good[2],
      escaped,
    ]);
    expect(result.inserted).toEqual([
      good[0]!.messageId,
      good[1]!.messageId,
      good[2]!.messageId,
      escaped.messageId,
    ]);
    expect(result.rejected.map((rejection) => [rejection.index, rejection.code])).toEqual([
      [1, 'VALIDATION'],
      [3, 'VALIDATION'],
      [4, 'VALIDATION'],
    ]);
    expect(result.rejected[0]!.issues?.[0]?.path).toBe('properties.note');
    expect(await storage.events.get(workspace, escaped.messageId)).toEqual(escaped);
  });

  it('a profile or document with U+0000 fails with VALIDATION and stores nothing', async () => {
    const workspace = `nul_${Date.now()}`;
    expect(await codeOf(() => storage.profiles.create(workspace, { id: 'p', traits: { a: '\u0000' } }))).toBe(
      'VALIDATION',
    );
    expect(await storage.profiles.get(workspace, 'p')).toBeNull();
    expect(
      await codeOf(() => storage.documents.put(workspace, { collection: 'c', key: 'k', value: '\u0000' })),
    ).toBe('VALIDATION');
    expect(await storage.documents.get(workspace, 'c', 'k')).toBeNull();
  });
});

describe('many processes', () => {
  it('of owners racing for a lease through separate pools exactly one wins', async () => {
    await migrate(pool);
    const pools = [testPool({ max: 3 }), testPool({ max: 3 })];
    try {
      const workspace = `race_${Date.now()}`;
      const stores = pools.map((each) => postgresStorage({ pool: each }));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          stores[i % 2]!.leases.acquire(workspace, { key: 'k', owner: `w${i}`, ttlMs: 60_000 }),
        ),
      );
      expect(results.filter((lease) => lease !== null)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((each) => each.end()));
    }
  });

  it('concurrent creates claiming overlapping identifiers in opposite orders: one wins, the rest CONFLICT', async () => {
    await migrate(pool);
    const storage = postgresStorage({ pool });
    const workspace = `claims_${Date.now()}`;
    const ids = Array.from({ length: 6 }, (_, i) => ({ type: 'email', value: `shared-${i}@example.com` }));
    const settled = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        storage.profiles.create(workspace, {
          id: `p${i}`,
          identifiers: i % 2 === 0 ? ids : [...ids].reverse(),
        }),
      ),
    );
    const winners = settled.filter((outcome) => outcome.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const outcome of settled) {
      if (outcome.status === 'rejected') expect((outcome.reason as { code?: string }).code).toBe('CONFLICT');
    }
    const owners = await storage.profiles.lookupIdentifiers(workspace, ids);
    expect(new Set(owners.values()).size).toBe(1);
    expect((await storage.profiles.list(workspace)).items).toHaveLength(1);
  });

  it('a forged cursor with a non-integer position fails with VALIDATION', async () => {
    const storage = postgresStorage({ pool });
    for (const position of [{ seq: 1.5 }, { tx: 7, seq: 1 }, { tx: '7e3', seq: 1 }, { tx: '-1', seq: 1 }]) {
      const cursor = Buffer.from(JSON.stringify(position)).toString('base64url');
      expect(await codeOf(() => storage.events.scan('acme', { cursor }))).toBe('VALIDATION');
    }
  });
});
