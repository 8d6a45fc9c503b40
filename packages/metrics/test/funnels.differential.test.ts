import { memoryStorage, type Storage } from '@cx/core';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { sqliteStorage } from '@cx/storage-sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compileFunnel, type FunnelDefinitionInput, funnelSql, sqlFunnel, streamFunnel } from '../src';
import { generateEvents, generateMergedData, type ProfilePlan } from './funnel-data';

const HOUR = 3_600_000;
const steps3 = [{ event: 'A' }, { event: 'B' }, { event: 'C' }];

/** Every order mode, window, exclusion and option, on the same generated data. */
const definitions: Record<string, FunnelDefinitionInput> = {
  'sequential, 1 day': { steps: steps3, windowMs: 24 * HOUR },
  'sequential, 1 hour': { steps: steps3, windowMs: HOUR },
  'sequential, 1 minute': { steps: steps3, windowMs: 60_000 },
  'sequential, 4 days, 5 steps with repeats': {
    steps: [{ event: 'A' }, { event: 'B' }, { event: 'A' }, { event: 'C' }, { event: 'D' }],
    windowMs: 96 * HOUR,
  },
  'sequential, per-step windows': {
    steps: [{ event: 'A' }, { event: 'B', withinMs: 2 * HOUR }, { event: 'C', withinMs: 6 * HOUR }],
    windowMs: 48 * HOUR,
  },
  'strict, 1 day': { steps: steps3, windowMs: 24 * HOUR, order: 'strict' },
  'strict, per-step window': {
    steps: [{ event: 'A' }, { event: 'B', withinMs: HOUR }],
    windowMs: 24 * HOUR,
    order: 'strict',
  },
  'any order, 1 day': { steps: steps3, windowMs: 24 * HOUR, order: 'any' },
  'any order, 10 minutes, breakdown': {
    steps: steps3,
    windowMs: 10 * 60_000,
    order: 'any',
    breakdown: { property: 'source', attribution: 'first-touch' },
  },
  'exclusion over the whole funnel': { steps: steps3, windowMs: 24 * HOUR, exclusions: [{ event: 'X' }] },
  'exclusion between steps 1 and 2': {
    steps: [{ event: 'A' }, { event: 'B' }, { event: 'C' }, { event: 'D' }],
    windowMs: 48 * HOUR,
    exclusions: [
      { event: 'X', between: [1, 2] },
      { type: 'page', name: 'Pricing', between: [0, 3] },
    ],
  },
  'exclusion matching the step it ends at': {
    steps: [{ event: 'A' }, { event: 'B' }, { event: 'C' }],
    windowMs: 24 * HOUR,
    exclusions: [{ event: 'B', where: [{ property: 'amount', op: 'gt', value: 50 }], between: [0, 1] }],
  },
  'optional steps': {
    steps: [{ event: 'A' }, { event: 'X', optional: true }, { event: 'B' }, { event: 'D', optional: true }],
    windowMs: 24 * HOUR,
  },
  'page steps and property filters': {
    steps: [
      { type: 'page', name: 'Home' },
      { event: 'B', where: [{ property: 'amount', op: 'gte', value: 30 }] },
      { event: 'C', where: [{ property: 'source', op: 'in', values: ['ads', 'email', 7] }] },
      { event: 'D', where: [{ property: 'plan', op: 'neq', value: 'free' }] },
    ],
    windowMs: 72 * HOUR,
  },
  'exists filters': {
    steps: [
      { event: 'A', where: [{ property: 'plan', op: 'exists' }] },
      {
        event: 'B',
        where: [
          { property: 'plan', op: 'notExists' },
          { property: 'source', op: 'eq', value: 7 },
        ],
      },
    ],
    windowMs: 72 * HOUR,
  },
  'held cartId': { steps: steps3, windowMs: 48 * HOUR, holdConstant: 'cartId' },
  'held cartId, strict': { steps: steps3, windowMs: 48 * HOUR, holdConstant: 'cartId', order: 'strict' },
  'first-touch breakdown': {
    steps: steps3,
    windowMs: 24 * HOUR,
    breakdown: { property: 'source', attribution: 'first-touch' },
  },
  'last-touch breakdown, held, exclusion': {
    steps: steps3,
    windowMs: 24 * HOUR,
    holdConstant: 'cartId',
    exclusions: [{ event: 'D' }],
    breakdown: { property: 'source', attribution: 'last-touch' },
  },
  'user person key and a time range': {
    steps: steps3,
    windowMs: 24 * HOUR,
    personKey: 'user',
    from: '2026-03-02T00:00:00.000Z',
    to: '2026-03-04T00:00:00.000Z',
  },
  'strict order within a time range': {
    steps: steps3,
    windowMs: 24 * HOUR,
    order: 'strict',
    from: '2026-03-02T00:00:00.000Z',
    to: '2026-03-04T00:00:00.000Z',
  },
  'anonymous person key': {
    steps: [{ event: 'A' }, { event: 'B' }],
    windowMs: 24 * HOUR,
    personKey: 'anonymous',
  },
  'profile person key (as attributed on arrival)': {
    steps: steps3,
    windowMs: 24 * HOUR,
    personKey: 'profile',
  },
  'profile person key, held cartId, strict': {
    steps: steps3,
    windowMs: 48 * HOUR,
    holdConstant: 'cartId',
    order: 'strict',
    personKey: 'profile',
  },
};

/** Creates, merges and deletes profiles through the port, so every store holds real links. */
async function applyPlan(storage: Storage, workspace: string, plan: ProfilePlan): Promise<void> {
  for (const id of plan.create) await storage.profiles.create(workspace, { id });
  for (const merge of plan.merges) await storage.profiles.merge(workspace, merge);
  for (const id of plan.deletes) await storage.profiles.delete(workspace, id);
}

const SEEDS = [1, 2, 3, 4];
let pool: pg.Pool;
let postgres: Storage;
let sqlite: Storage;
let memory: Storage;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 4 });
  // The run's database is dropped WITH (FORCE) at the end; a connection it ends is not a failure.
  pool.on('error', () => {});
  await migrate(pool);
  postgres = postgresStorage({ pool });
  sqlite = sqliteStorage({ filename: ':memory:' });
  memory = memoryStorage();
  for (const seed of SEEDS) {
    // Dense data for some seeds (many events per person), sparse for others.
    const events = generateEvents(seed, seed % 2 === 0 ? 1500 : 500, seed % 2 === 0 ? 8 : 30);
    for (const storage of [postgres, sqlite]) {
      const result = await storage.events.append(`w${seed}`, events);
      expect(result.rejected).toEqual([]);
    }
    // The same shapes with each person's events spread over 1–3 profiles merged into one.
    const merged = generateMergedData(seed, seed % 2 === 0 ? 1500 : 500, seed % 2 === 0 ? 8 : 30);
    for (const storage of [memory, postgres, sqlite]) {
      const result = await storage.events.append(`m${seed}`, merged.events);
      expect(result.rejected).toEqual([]);
      await applyPlan(storage, `m${seed}`, merged.plan);
    }
  }
});

afterAll(async () => {
  await sqlite?.close();
  await pool?.end();
});

describe.each(Object.entries(definitions))('funnel: %s', (_, definition) => {
  it.each(SEEDS)('streaming, SQLite and PostgreSQL agree on data set %i', async (seed) => {
    const workspace = `w${seed}`;
    const streamed = await streamFunnel(sqlite, workspace, definition);
    const fromSqlite = await sqlFunnel(sqlite, workspace, definition);
    const fromPostgres = await sqlFunnel(postgres, workspace, definition);
    expect(fromSqlite).toEqual(streamed);
    expect(fromPostgres).toEqual(streamed);
    // The comparison must not be vacuous: people enter every funnel on this data.
    expect(streamed.entered).toBeGreaterThan(0);
  });
});

describe.each(Object.entries(definitions))('funnel over merged profiles: %s', (_, definition) => {
  it.each(SEEDS)(
    'streaming on three profile stores, SQLite and PostgreSQL agree on data set %i',
    async (seed) => {
      const workspace = `m${seed}`;
      // Streaming resolves through each store's ProfileStore port; SQL walks merged_into itself.
      const streamed = await streamFunnel(memory, workspace, definition);
      expect(await streamFunnel(sqlite, workspace, definition)).toEqual(streamed);
      expect(await streamFunnel(postgres, workspace, definition)).toEqual(streamed);
      expect(await sqlFunnel(sqlite, workspace, definition)).toEqual(streamed);
      expect(await sqlFunnel(postgres, workspace, definition)).toEqual(streamed);
      expect(streamed.entered).toBeGreaterThan(0);
    },
  );
});

describe('the canonical person key on merged profiles', () => {
  const funnel = { steps: steps3, windowMs: 24 * HOUR } satisfies FunnelDefinitionInput;

  it('is the default', () => {
    expect(compileFunnel(funnel).definition.personKey).toBe('canonical');
  });

  it.each(SEEDS)(
    'counts merged profiles once, where the arrival key counts them apart (data set %i)',
    async (seed) => {
      const workspace = `m${seed}`;
      const canonical = await sqlFunnel(postgres, workspace, funnel);
      const arrival = await sqlFunnel(postgres, workspace, { ...funnel, personKey: 'profile' });
      expect(canonical.entered).toBeLessThan(arrival.entered);
      // On the unmerged twin data set (no profiles stored) both keys agree.
      const plain = await sqlFunnel(postgres, `w${seed}`, funnel);
      expect(plain).toEqual(await sqlFunnel(postgres, `w${seed}`, { ...funnel, personKey: 'profile' }));
    },
  );

  it('is one parameterised statement in both dialects', () => {
    const compiled = compileFunnel(funnel);
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { text, params } = funnelSql(
        compiled,
        dialect,
        { events: 'cx_events', profiles: 'cx_profiles' },
        'merge-workspace',
      );
      expect(text.startsWith('WITH RECURSIVE')).toBe(true);
      expect(text).not.toContain('merge-workspace');
      expect(params.filter((value) => value === 'merge-workspace')).toHaveLength(4);
    }
  });
});
