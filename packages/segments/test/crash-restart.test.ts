import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CxEvent, Storage } from '@cx/core';
import { sqliteStorage } from '@cx/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegmentEngine, type SegmentEngine } from '../src';
import { AT, createProfiles, generateData, mergeEvent, SEGMENTS, TRAITS } from './differential-data';

/*
 * A segment engine process is killed with SIGKILL at random moments while it follows the log;
 * new processes take over. In the end every profile must hold exactly what an uninterrupted run
 * computes: a page applied twice would double the `count` computed trait, a lost one would lower it.
 */

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const WS = 'acme';
let dir: string;

const data = generateData(21, 40);
const events: CxEvent[] = data.steps.map((step) =>
  step.kind === 'event' ? step.event : mergeEvent(step.from, step.into, step.at, `merge-${step.from}`),
);
const TRAITS_WITH_COUNT = [...TRAITS, { id: 'orders', kind: 'count' as const, event: 'Order Completed' }];

async function open(name: string) {
  const storage = sqliteStorage({ filename: path.join(dir, `${name}.db`), clock: { now: () => AT } });
  const engine = createSegmentEngine({ storage, workspaceId: WS, clock: { now: () => AT } });
  return { storage, engine };
}

async function prepare(storage: Storage, engine: SegmentEngine) {
  await createProfiles(storage, WS, data);
  for (const step of data.steps)
    if (step.kind === 'merge') await storage.profiles.merge(WS, { from: step.from, into: step.into });
  for (const trait of TRAITS_WITH_COUNT) await engine.defineComputedTrait(trait);
  for (const segment of SEGMENTS) await engine.define(segment);
  await engine.drain();
}

/** Everything the engine keeps, per profile: memberships, computed traits, histories. */
async function snapshot(storage: Storage, engine: SegmentEngine) {
  const out: Record<string, unknown> = {};
  for (const profile of data.profiles) {
    out[profile.id] = {
      segments: await engine.segmentsOf(profile.id),
      traits: await engine.computedTraitsOf(profile.id),
    };
  }
  const histories = await storage.documents.list(WS, 'segments.history', { limit: 10_000 });
  out.histories = histories.items.map((doc) => [doc.key, doc.value]);
  out.events = (await storage.events.countAfter(WS, null)) - events.length;
  return out;
}

function runChild(filename: string, killAfterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@cx/source',
        '--import',
        'tsx',
        'test/crash/engine-child.ts',
        JSON.stringify({ filename, now: AT }),
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), killAfterMs));
    child.once('error', reject);
    child.once('close', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited: ${stderr}`)),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cx-segments-crash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a killed engine process', () => {
  it('loses nothing and applies nothing twice', async () => {
    const reference = await open('reference');
    await prepare(reference.storage, reference.engine);
    await reference.storage.events.append(WS, events);
    await reference.engine.drain();
    const expected = await snapshot(reference.storage, reference.engine);
    await reference.storage.close();

    const crashed = await open('crashed');
    await prepare(crashed.storage, crashed.engine);
    // The log grows between crashes; each child is killed a random while after it starts.
    const parts = 4;
    for (let part = 0; part < parts; part++) {
      const slice = events.slice(
        Math.floor((part * events.length) / parts),
        Math.floor(((part + 1) * events.length) / parts),
      );
      await crashed.storage.events.append(WS, slice);
      for (let kill = 0; kill < 2; kill++)
        await runChild(path.join(dir, 'crashed.db'), 150 + Math.floor(Math.random() * 400));
    }
    // A last process, this one not killed, finishes the log.
    await crashed.engine.drain();
    expect(await crashed.engine.lag()).toBe(0);
    expect(await snapshot(crashed.storage, crashed.engine)).toEqual(expected);
    await crashed.storage.close();
  }, 120_000);
});
