import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CxEvent, Storage } from '@cx/core';
import { sqliteStorage } from '@cx/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegmentEngine, type MembershipHistory, type SegmentEngine } from '../src';
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

/**
 * Time runs (leases must end for a killed process to be replaced), from half a day after the
 * data: far from every window's edge, so the few seconds a run takes change no result.
 */
const START = Date.now();
const clock = { now: () => AT + 12 * 3_600_000 + (Date.now() - START) };

async function open(name: string) {
  const storage = sqliteStorage({ filename: path.join(dir, `${name}.db`), clock });
  const engine = createSegmentEngine({ storage, workspaceId: WS, clock, leaseMs: 200 });
  return { storage, engine };
}

async function prepare(storage: Storage, engine: SegmentEngine) {
  await createProfiles(storage, WS, data);
  for (const step of data.steps)
    if (step.kind === 'merge') await storage.profiles.merge(WS, { from: step.from, into: step.into });
  for (const trait of TRAITS_WITH_COUNT) await engine.defineComputedTrait(trait);
  for (const segment of SEGMENTS) await engine.define(segment);
  await engine.drain();
  await engine.stop(); // hands the consumer's lease back, so the child processes can take it
}

/** Everything the engine keeps, per profile: memberships, computed traits, histories (without times). */
async function snapshot(storage: Storage, engine: SegmentEngine) {
  const out: Record<string, unknown> = {};
  for (const profile of data.profiles) {
    out[profile.id] = {
      segments: (await engine.segmentsOf(profile.id)).map((m) => m.segmentId).sort(),
      traits: await engine.computedTraitsOf(profile.id),
    };
  }
  const histories = await storage.documents.list<MembershipHistory | null>(WS, 'segments.history', {
    limit: 10_000,
  });
  out.histories = histories.items.map((doc) => [
    doc.key,
    doc.value?.spans.map((span) => [span.inCause.type, span.outCause?.type ?? 'open']),
  ]);
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
        JSON.stringify({ filename, start: START, at: AT + 12 * 3_600_000 }),
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), killAfterMs));
    child.once('error', reject);
    child.once('close', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited: ${stderr}`));
    });
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
    const readApplied = async () =>
      (await crashed.storage.documents.get<{ applied: number }>(WS, 'core.consumers', 'segments.realtime'))
        ?.value.applied ?? 0;
    const appliedBefore = await readApplied();
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
    // The killed processes did the work: the checkpoint moved while only they ran.
    expect(await readApplied()).toBeGreaterThan(appliedBefore + events.length / 2);
    // A last process, this one not killed, finishes the log once the last killed one's lease ends.
    while ((await crashed.engine.lag()) > 0) {
      await crashed.engine.drain();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await crashed.engine.drain();
    expect(await crashed.engine.lag()).toBe(0);
    expect(await snapshot(crashed.storage, crashed.engine)).toEqual(expected);
    await crashed.storage.close();
  }, 120_000);
});
