import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSUMER_CHECKPOINTS } from '@cx/core';
import { makeEvents } from '@cx/core/testing';
import { CONSUMED_COUNT, PROCESSED_COLLECTION, reportedKeys, runChild } from '@cx/core/testing/processes';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrate, postgresStorage } from '../src';
import { freshSchema, testPool, untilScanSees } from './helpers';

/*
 * Real OS processes on one PostgreSQL database: two workers claim from one queue with
 * FOR UPDATE SKIP LOCKED, and processes are killed with SIGKILL between a claim and its
 * completion, or mid-page of a consumer.
 */

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const pool = testPool();
afterAll(() => pool.end());
const WS = 'acme';
const Q = 'test.jobs';

async function freshStorage() {
  const schema = freshSchema();
  await migrate(pool, { schema });
  return { schema, storage: postgresStorage({ pool, schema }) };
}

const child = (schema: string, options: Record<string, unknown>) =>
  runChild(
    'test/processes/child.ts',
    { url: inject('postgresUrl'), schema, workspaceId: WS, ...options },
    packageDir,
  );

async function scheduleItems(storage: ReturnType<typeof postgresStorage>, count: number) {
  const keys = Array.from({ length: count }, (_, i) => `item-${String(i).padStart(4, '0')}`);
  for (let i = 0; i < keys.length; i += 500) {
    await storage.work.schedule(
      WS,
      keys.slice(i, i + 500).map((key) => ({ queue: Q, key })),
    );
  }
  return keys;
}

async function processedDocuments(schema: string): Promise<number> {
  const result = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${schema}".cx_documents WHERE workspace_id = $1 AND collection = $2`,
    [WS, PROCESSED_COLLECTION],
  );
  return Number(result.rows[0]!.n);
}

describe('the work queue across processes on PostgreSQL', () => {
  it('two worker processes process every item exactly once', async () => {
    const { schema, storage } = await freshStorage();
    const keys = await scheduleItems(storage, 600);
    // Both wait until both have started, so neither finishes before the other begins.
    const started = mkdtempSync(join(tmpdir(), 'cx-pg-mp-'));
    const barrier = { dir: join(started, 'arrived'), parties: 2 };
    const [a, b] = await Promise.all([
      child(schema, { role: 'queue', queue: Q, owner: 'a', barrier }),
      child(schema, { role: 'queue', queue: Q, owner: 'b', barrier }),
    ]);
    rmSync(started, { recursive: true, force: true });
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const done = [...reportedKeys(a.lines), ...reportedKeys(b.lines)];
    expect(done).toHaveLength(600);
    expect([...done].sort()).toEqual(keys);
    expect(reportedKeys(a.lines).length).toBeGreaterThan(0);
    expect(reportedKeys(b.lines).length).toBeGreaterThan(0);
    expect(await processedDocuments(schema)).toBe(600);
    expect(await storage.work.stats(WS)).toEqual([]);
  });

  it('a worker killed between claim and complete loses nothing: its items are claimed again after the lease', async () => {
    const { schema, storage } = await freshStorage();
    const keys = await scheduleItems(storage, 200);
    // The first worker completes one batch, then dies holding the next; the second starts after.
    const crashed = await child(schema, {
      role: 'queue',
      queue: Q,
      owner: 'crashing',
      crashAfterClaims: 2,
      leaseMs: 300,
    });
    const survivor = await child(schema, { role: 'queue', queue: Q, owner: 'survivor' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(reportedKeys(crashed.lines)).toHaveLength(5);
    expect(survivor.code, survivor.stderr).toBe(0);
    const done = [...reportedKeys(crashed.lines), ...reportedKeys(survivor.lines)];
    expect([...done].sort()).toEqual(keys);
    expect(await processedDocuments(schema)).toBe(200);
  });
});

describe('an event-log consumer across crashes on PostgreSQL', () => {
  it('killed before a commit, twice, it resumes from its checkpoint and applies every event once', async () => {
    const { schema, storage } = await freshStorage();
    await storage.events.append(WS, makeEvents(95));
    await untilScanSees(pool, WS, `"${schema}".cx_events`);
    const consumer = (extra: Record<string, unknown> = {}) =>
      child(schema, { role: 'consumer', name: 'test.counter', ...extra });
    expect((await consumer({ crashBeforeCommit: 4 })).signal).toBe('SIGKILL');
    expect((await consumer({ crashBeforeCommit: 2 })).signal).toBe('SIGKILL');
    const last = await consumer();
    expect(last.code, last.stderr).toBe(0);
    expect((await storage.documents.get(WS, CONSUMED_COUNT.collection, CONSUMED_COUNT.key))?.value).toBe(95);
    expect((await storage.documents.get(WS, CONSUMER_CHECKPOINTS, 'test.counter'))?.value).toMatchObject({
      applied: 95,
    });
  });
});
