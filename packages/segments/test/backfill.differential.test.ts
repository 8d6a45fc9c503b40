import type { Storage } from '@cx/core';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { sqliteStorage } from '@cx/storage-sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { computeMembers } from '../src';
import { AT, generateData, runRealtime, SEGMENTS, TestClock, TRAITS } from './differential-data';

/*
 * The real-time engine, fed the log a page at a time on a moving clock (windows expiring through
 * the expiry queue, merges arriving as events), must end with the same members as one SQL
 * statement over the stored history — for every node type, on SQLite and PostgreSQL.
 */

const SEEDS = [11, 12, 13];
let pool: pg.Pool;
const stores: Record<'sqlite' | 'postgres', Storage> = {} as never;
const realtime = new Map<string, Map<string, string[]>>(); // `${adapter}/${seed}` → segment → members
const segments = new Map(SEGMENTS.map((segment) => [segment.id, segment]));

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 4 });
  pool.on('error', () => {});
  await migrate(pool);
  const clocks = { sqlite: new TestClock(), postgres: new TestClock() };
  stores.sqlite = sqliteStorage({ filename: ':memory:', clock: clocks.sqlite });
  stores.postgres = postgresStorage({ pool, clock: clocks.postgres });
  for (const seed of SEEDS) {
    const data = generateData(seed, 60);
    for (const adapter of ['sqlite', 'postgres'] as const) {
      clocks[adapter].set(
        Date.parse(data.steps[0]!.kind === 'event' ? data.steps[0]!.event.timestamp : '2026-01-01T00:00:00Z'),
      );
      realtime.set(
        `${adapter}/${seed}`,
        await runRealtime(stores[adapter], clocks[adapter], `diff${seed}`, data),
      );
    }
  }
}, 240_000);

afterAll(async () => {
  await stores.sqlite?.close();
  await pool?.end();
});

describe.each(SEGMENTS.map((segment) => [segment.id, segment] as const))('segment %s', (_, definition) => {
  it.each(SEEDS)('real time and SQL agree on SQLite and PostgreSQL (seed %i)', async (seed) => {
    for (const adapter of ['sqlite', 'postgres'] as const) {
      const expected = realtime.get(`${adapter}/${seed}`)!.get(definition.id)!;
      const computed = await computeMembers(stores[adapter], `diff${seed}`, definition, {
        at: AT,
        segments: [...segments.values()],
        computedTraits: TRAITS,
      });
      // Only the bucket on SQLite (no MD5 there) is left to the stream.
      expect(computed.method).toBe(adapter === 'sqlite' && definition.id === 'holdout' ? 'stream' : 'sql');
      expect(computed.members, `${adapter}, seed ${seed}`).toEqual(expected);
      const streamed = await computeMembers(stores[adapter], `diff${seed}`, definition, {
        at: AT,
        segments: [...segments.values()],
        computedTraits: TRAITS,
        method: 'stream',
      });
      expect(streamed.members, `stream on ${adapter}, seed ${seed}`).toEqual(expected);
    }
  });

  it('has members and non-members in the generated data', () => {
    const sizes = SEEDS.map((seed) => realtime.get(`sqlite/${seed}`)!.get(definition.id)!.length);
    expect(sizes.some((size) => size > 0)).toBe(true);
    expect(sizes.some((size) => size < 52)).toBe(true);
  });
});
