import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSUMER_CHECKPOINTS } from '@cx/core';
import { makeEvents } from '@cx/core/testing';
import { CONSUMED_COUNT, PROCESSED_COLLECTION, reportedKeys, runChild } from '@cx/core/testing/processes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteStorage } from '../src';

/*
 * Real OS processes on one SQLite file: two workers claim from one queue, and processes are
 * killed with SIGKILL between a claim and its completion, or mid-page of a consumer.
 */

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const WS = 'acme';
const Q = 'test.jobs';
let dir: string;
let filename: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cx-sqlite-mp-'));
  filename = join(dir, 'cx.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function scheduleItems(count: number): Promise<string[]> {
  const storage = sqliteStorage({ filename });
  const keys = Array.from({ length: count }, (_, i) => `item-${String(i).padStart(4, '0')}`);
  await storage.work.schedule(
    WS,
    keys.map((key) => ({ queue: Q, key })),
  );
  await storage.close();
  return keys;
}

const worker = (owner: string, extra: Record<string, unknown> = {}) =>
  runChild(
    'test/processes/child.ts',
    { role: 'queue', filename, workspaceId: WS, queue: Q, owner, ...extra },
    packageDir,
  );

async function processedDocuments(): Promise<number> {
  const storage = sqliteStorage({ filename });
  const rows = await storage.sql!.query<{ n: number }>(
    'SELECT count(*) AS n FROM cx_documents WHERE workspace_id = ? AND collection = ?',
    [WS, PROCESSED_COLLECTION],
  );
  const stats = await storage.work.stats(WS);
  await storage.close();
  expect(stats).toEqual([]);
  return rows[0]!.n;
}

describe('the work queue across processes on one SQLite file', () => {
  it('two worker processes process every item exactly once', async () => {
    const keys = await scheduleItems(300);
    // Both wait until both have started, so neither finishes before the other begins.
    const barrier = { dir: join(dir, 'started'), parties: 2 };
    const [a, b] = await Promise.all([worker('a', { barrier }), worker('b', { barrier })]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const done = [...reportedKeys(a.lines), ...reportedKeys(b.lines)];
    expect(done).toHaveLength(300);
    expect([...done].sort()).toEqual(keys);
    expect(reportedKeys(a.lines).length).toBeGreaterThan(0);
    expect(reportedKeys(b.lines).length).toBeGreaterThan(0);
    expect(await processedDocuments()).toBe(300);
  });

  it('a worker killed between claim and complete loses nothing: its items are claimed again after the lease', async () => {
    const keys = await scheduleItems(120);
    // The first worker completes one batch, then dies holding the next; the second starts after.
    const crashed = await worker('crashing', { crashAfterClaims: 2, leaseMs: 300 });
    const survivor = await worker('survivor');
    expect(crashed.signal).toBe('SIGKILL');
    expect(reportedKeys(crashed.lines)).toHaveLength(5);
    expect(survivor.code, survivor.stderr).toBe(0);
    const done = [...reportedKeys(crashed.lines), ...reportedKeys(survivor.lines)];
    expect([...done].sort()).toEqual(keys);
    expect(await processedDocuments()).toBe(120);
  });
});

describe('an event-log consumer across crashes', () => {
  it('killed before a commit, twice, it resumes from its checkpoint and applies every event once', async () => {
    const storage = sqliteStorage({ filename });
    await storage.events.append(WS, makeEvents(95));
    const consumer = (extra: Record<string, unknown> = {}) =>
      runChild(
        'test/processes/child.ts',
        { role: 'consumer', filename, workspaceId: WS, name: 'test.counter', ...extra },
        packageDir,
      );
    expect((await consumer({ crashBeforeCommit: 4 })).signal).toBe('SIGKILL');
    expect((await consumer({ crashBeforeCommit: 2 })).signal).toBe('SIGKILL');
    const last = await consumer();
    expect(last.code, last.stderr).toBe(0);
    expect((await storage.documents.get(WS, CONSUMED_COUNT.collection, CONSUMED_COUNT.key))?.value).toBe(95);
    expect((await storage.documents.get(WS, CONSUMER_CHECKPOINTS, 'test.counter'))?.value).toMatchObject({
      applied: 95,
    });
    await storage.close();
  });
});
