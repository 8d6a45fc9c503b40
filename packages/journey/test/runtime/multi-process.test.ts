import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChannels, MESSAGES_COLLECTION, messageIdFor } from '@cx/channels';
import { httpSms } from '@cx/channels/sms';
import type { Storage } from '@cx/core';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalSmsGateway, startLocalSmsGateway } from '../../../channels/test/sms/local-sms-gateway';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { createJourneys, type JourneyInstance } from '../../src/runtime';
import { track } from './runtime-fixtures';

/*
 * Journey workers as separate processes on one PostgreSQL database (real clock, short leases):
 * two at once must never run a step twice, and workers killed at random moments (some right
 * after handing a message to the outbox, before committing the step) must neither lose an
 * instance nor send a message twice.
 */
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const sms = (id: string, text: string) => ({
  sms: { id, channel: 'sms' as const, defaultLocale: 'vi-VN', variants: { 'vi-VN': { text } } },
});

/** Welcome SMS, its `Message Sent` result, a one-second wait, a tip SMS. */
const onboarding: JourneyDefinition = {
  id: 'onboarding',
  entry: { type: 'event', event: 'Signed Up' },
  start: 'welcome',
  nodes: [
    {
      type: 'message',
      id: 'welcome',
      channels: ['sms'],
      category: 'transactional',
      templates: sms('welcome-sms', 'Chao {{ profile.traits.firstName }}'),
      next: 'done',
      on: { sent: 'wait' },
    },
    { type: 'wait', id: 'wait', for: { seconds: 1 }, next: 'tip' },
    {
      type: 'message',
      id: 'tip',
      channels: ['sms'],
      category: 'transactional',
      templates: sms('tip-sms', 'Meo cho {{ profile.traits.firstName }}'),
      next: 'done',
    },
    { type: 'exit', id: 'done' },
  ],
};
const fullPath = ['welcome', 'wait', 'tip', 'done'];

let pool: pg.Pool;
let gateway: LocalSmsGateway;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 6 });
  await migrate(pool);
  gateway = await startLocalSmsGateway();
});
afterAll(async () => {
  await gateway.close();
  await pool.end();
});

function spawnChild(
  workspaceId: string,
  dieAfterSend: number | null,
): { child: ChildProcess; started: Promise<void>; closed: Promise<void> } {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@cx/source',
      '--import',
      'tsx',
      path.join('test', 'runtime', 'crash', 'journey-child.ts'),
      JSON.stringify({
        postgresUrl: inject('postgresUrl'),
        workspaceId,
        gatewayUrl: gateway.url,
        token: gateway.token,
        dieAfterSend,
      }),
    ],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  const closed = new Promise<void>((resolve, reject) => {
    child.once('close', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited on its own: ${stderr}`)),
    );
  });
  return { child, started, closed };
}

async function prepare(workspaceId: string, people: number) {
  const storage = postgresStorage({ pool });
  const channels = createChannels({
    storage,
    workspaceId,
    adapters: [httpSms({ id: 'gateway', url: gateway.url, token: gateway.token })],
  });
  const journeys = createJourneys({ storage, workspaceId, channels, leaseMs: 600, onError: () => {} });
  await journeys.publish(onboarding);
  // Ids differ per workspace: message ids (and so the gateway's keys) hash the profile id.
  const ids = Array.from({ length: people }, (_, index) => `${workspaceId}-${index}`);
  for (const [index, id] of ids.entries()) {
    await storage.profiles.create(workspaceId, {
      id,
      traits: { firstName: `Khach ${index}`, phone: `+8491234${String(index).padStart(4, '0')}` },
    });
  }
  return { storage, channels, journeys, ids };
}

async function signUp(storage: Storage, workspaceId: string, ids: string[]) {
  const result = await storage.events.append(
    workspaceId,
    ids.map((id) => track(id, Date.now(), 'Signed Up')),
  );
  expect(result.rejected).toEqual([]);
}

/** Polls (real time: the workers run on the real clock) until every person's instance ended. */
async function allEnded(
  journeys: ReturnType<typeof createJourneys>,
  ids: string[],
): Promise<JourneyInstance[]> {
  for (let turn = 0; turn < 600; turn++) {
    const instances = (await Promise.all(ids.map((id) => journeys.instancesOf(id)))).flat();
    if (instances.length === ids.length && instances.every((each) => each.status === 'exited'))
      return instances;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('instances did not end');
}

/** What every message of the run must be: one welcome and one tip per person. */
const expectedMessages = (instances: JourneyInstance[]) =>
  instances
    .flatMap((instance) =>
      ['welcome', 'tip'].map((node) =>
        messageIdFor({
          source: 'journey:onboarding@1',
          step: `${instance.id}/${node}`,
          profileId: instance.profileId,
        }),
      ),
    )
    .sort();

async function checkExactlyOnce(
  storage: Storage,
  workspaceId: string,
  instances: JourneyInstance[],
  sent: string[],
) {
  for (const instance of instances) {
    expect(instance.path.map((step) => step.node)).toEqual(fullPath);
    expect(instance.outcome).toMatchObject({ kind: 'exit-node', id: 'done' });
  }
  const expected = expectedMessages(instances);
  expect([...sent].sort()).toEqual(expected);
  const records = await storage.documents.list(workspaceId, MESSAGES_COLLECTION, { limit: 1000 });
  expect(records.items.map((document) => document.key).sort()).toEqual(expected);
  const events = await storage.events.scan(workspaceId, { limit: 10_000 });
  const names = new Map<string, string[]>();
  for (const event of events.items) {
    if (event.type !== 'track' || !event.event.startsWith('Journey ')) continue;
    const id = (event.properties as { instanceId: string }).instanceId;
    names.set(id, [...(names.get(id) ?? []), event.event]);
  }
  for (const instance of instances) {
    const list = names.get(instance.id) ?? [];
    expect(list.filter((name) => name === 'Journey Entered')).toHaveLength(1);
    expect(list.filter((name) => name === 'Journey Step')).toHaveLength(fullPath.length);
    expect(list.filter((name) => name === 'Journey Exited')).toHaveLength(1);
  }
}

describe('journey workers on PostgreSQL', () => {
  it('two worker processes never run the same step twice', async () => {
    const workspaceId = 'two-workers';
    const { storage, journeys, ids } = await prepare(workspaceId, 20);
    const children = [spawnChild(workspaceId, null), spawnChild(workspaceId, null)];
    await Promise.all(children.map((each) => each.started));
    const before = gateway.requests.length;
    await signUp(storage, workspaceId, ids);
    const instances = await allEnded(journeys, ids);
    // Let the dispatchers finish the last tips.
    for (let turn = 0; turn < 600; turn++) {
      const stats = (await storage.work.stats(workspaceId)).find((each) => each.queue === 'channels.outbox');
      if (!stats || stats.scheduled + stats.claimed === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const each of children) each.child.kill('SIGKILL');
    await Promise.all(children.map((each) => each.closed));
    const requests = gateway.requests.slice(before);
    // Not even a replay: no step, and no delivery, ran twice.
    expect(requests.filter((request) => request.replayed)).toEqual([]);
    await checkExactlyOnce(
      storage,
      workspaceId,
      instances,
      requests.map((request) => request.idempotencyKey ?? ''),
    );
  }, 120_000);

  it('workers killed at random moments lose nothing and send nothing twice', async () => {
    const workspaceId = 'killed-workers';
    const { storage, channels, journeys, ids } = await prepare(workspaceId, 12);
    const before = gateway.delivered().length;
    await signUp(storage, workspaceId, ids);
    let diedAfterSend = 0;
    for (let round = 0; round < 8; round++) {
      const dying = spawnChild(workspaceId, 1 + (round % 3));
      const killed = spawnChild(workspaceId, null);
      await Promise.all([dying.started, killed.started]);
      setTimeout(() => killed.child.kill('SIGKILL'), 50 + Math.floor(Math.random() * 400));
      // One that finds nothing left to send never dies by itself: stop it too.
      let stopped = false;
      const stop = setTimeout(() => {
        stopped = true;
        dying.child.kill('SIGKILL');
      }, 2500);
      await Promise.all([dying.closed, killed.closed]);
      clearTimeout(stop);
      if (!stopped) diedAfterSend += 1;
    }
    // Some processes died between rendering a message for a step and committing the step.
    expect(diedAfterSend).toBeGreaterThanOrEqual(1);
    // A live worker finishes once the dead ones' leases end.
    const dispatcher = channels.dispatcher({
      leaseMs: 2000,
      idle: { minMs: 5, maxMs: 50 },
      onError: () => {},
    });
    journeys.start();
    dispatcher.start();
    const instances = await allEnded(journeys, ids);
    for (let turn = 0; turn < 600; turn++) {
      const stats = (await storage.work.stats(workspaceId)).find((each) => each.queue === 'channels.outbox');
      if (!stats || stats.scheduled + stats.claimed === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.all([journeys.stop(), dispatcher.stop()]);
    // Exactly once at the gateway (which dedupes replays by Idempotency-Key), once in the outbox.
    await checkExactlyOnce(storage, workspaceId, instances, gateway.delivered().slice(before));
  }, 180_000);
});
