import type { Storage } from '@cx/core';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { sqliteStorage } from '@cx/storage-sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FunnelDefinitionInput, sqlFunnel, streamFunnel } from '../src';
import { generateEvents } from './funnel-data';

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
  'anonymous person key': {
    steps: [{ event: 'A' }, { event: 'B' }],
    windowMs: 24 * HOUR,
    personKey: 'anonymous',
  },
};

const SEEDS = [1, 2, 3, 4];
let pool: pg.Pool;
let postgres: Storage;
let sqlite: Storage;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 4 });
  await migrate(pool);
  postgres = postgresStorage({ pool });
  sqlite = sqliteStorage({ filename: ':memory:' });
  for (const seed of SEEDS) {
    // Dense data for some seeds (many events per person), sparse for others.
    const events = generateEvents(seed, seed % 2 === 0 ? 1500 : 500, seed % 2 === 0 ? 8 : 30);
    for (const storage of [postgres, sqlite]) {
      const result = await storage.events.append(`w${seed}`, events);
      expect(result.rejected).toEqual([]);
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
