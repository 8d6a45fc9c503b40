import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannels } from '@cx/channels';
import { verifyWebhookSignature } from '@cx/channels/webhook';
import { ManualClock, memoryStorage, type Storage } from '@cx/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { createJourneys, type Journeys, type JourneyWebhookOptions, WEBHOOK_QUEUE } from '../../src/runtime';
import { applyStep } from '../../src/runtime/apply-step';
import { JOURNEY_COLLECTIONS, JourneyWorkingSet, type StoredInstance } from '../../src/runtime/journey-store';
import { simulateJourney } from '../../src/simulation';
import { DAY, journeyEvents, START, storages, track, WS } from './runtime-fixtures';

const SECRET = 'whsec-0123456789abcdef0123456789abcdef';

/** What the receiver answers, in order; 200 once the list runs out. `hang`: never answers. */
interface Answer {
  status: number | 'hang';
  headers?: Record<string, string>;
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server on loopback that records every request and answers from a script. */
async function receiver(answers: Answer[] = []) {
  const received: Received[] = [];
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    received.push({ headers: request.headers, body });
    const answer = answers.shift() ?? { status: 200 };
    if (answer.status === 'hang') return;
    response.writeHead(answer.status, answer.headers).end(answer.status >= 400 ? 'nope' : 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/cx`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** API entry, a webhook at once, then out. */
const notifyJourney = (url: string): JourneyDefinition => ({
  id: 'vip-signup',
  entry: { type: 'api' },
  start: 'notify',
  nodes: [
    { type: 'webhook', id: 'notify', url, body: { kind: 'vip', tier: 2 }, next: 'done' },
    { type: 'exit', id: 'done' },
  ],
});

/** API entry, a day's wait, the webhook, then out: its call comes from a timer's step. */
const laterJourney = (url: string): JourneyDefinition => ({
  id: 'day-after',
  entry: { type: 'api' },
  start: 'pause',
  nodes: [
    { type: 'wait', id: 'pause', for: { days: 1 }, next: 'notify' },
    { type: 'webhook', id: 'notify', url, next: 'done' },
    { type: 'exit', id: 'done' },
  ],
});

/** The webhook in a loop, a day apart, twice: each visit is its own call. */
const loopJourney = (url: string): JourneyDefinition => ({
  id: 'twice',
  entry: { type: 'api' },
  start: 'notify',
  nodes: [
    { type: 'webhook', id: 'notify', url, next: 'pause' },
    { type: 'wait', id: 'pause', for: { days: 1 }, next: 'again' },
    {
      type: 'branch',
      id: 'again',
      branches: [{ when: { condition: { 'data.webhooks.notify': { $gte: 2 } } }, next: 'done' }],
      otherwise: 'notify',
    },
    { type: 'exit', id: 'done' },
  ],
});

interface World {
  storage: Storage;
  clock: ManualClock;
  journeys: Journeys;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(storages)('webhook nodes on %s', (_name, open) => {
  async function world(webhooks: JourneyWebhookOptions = { secret: SECRET }): Promise<World> {
    const clock = new ManualClock(START);
    const { storage, cleanup } = open(clock);
    const channels = createChannels({ storage, workspaceId: WS, clock, adapters: [] });
    const journeys = createJourneys({
      storage,
      workspaceId: WS,
      clock,
      channels,
      webhooks,
      onError: (error) => {
        throw error;
      },
    });
    await storage.profiles.create(WS, { id: 'lan', traits: { firstName: 'Lan' } });
    const close = async () => {
      await storage.close();
      cleanup();
    };
    cleanups.push(close);
    return { storage, clock, journeys, close };
  }

  async function server(answers: Answer[] = []) {
    const started = await receiver(answers);
    cleanups.push(started.close);
    return started;
  }

  const keyOf = (instanceId: string, node = 'notify') => `${instanceId}/${node}`;

  it('calls the webhook once, after the step commits, with the body, key and a signature that verifies', async () => {
    const hook = await server();
    const { storage, clock, journeys } = await world();
    await journeys.publish(notifyJourney(hook.url));
    const result = await journeys.enter('vip-signup', 'lan', { plan: 'gold' });
    if (!result.entered) throw new Error('not entered');
    const instance = result.instance;
    // Fire-and-forget: the instance went on at once; the call waits in the queue.
    expect(instance.status).toBe('exited');
    expect(instance.node).toBe('done');
    expect(hook.received).toHaveLength(0);
    const item = await storage.work.get(WS, WEBHOOK_QUEUE, keyOf(instance.id));
    expect(item?.state).toBe('scheduled');

    await journeys.drain();
    expect(hook.received).toHaveLength(1);
    const [call] = hook.received;
    if (!call) throw new Error('no call');
    expect(JSON.parse(call.body)).toEqual({
      journeyId: 'vip-signup',
      version: 1,
      instanceId: instance.id,
      profileId: 'lan',
      node: 'notify',
      body: { kind: 'vip', tier: 2 },
    });
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers['idempotency-key']).toBe(keyOf(instance.id));
    const signature = call.headers['x-cx-signature'] as string;
    expect(
      verifyWebhookSignature({ secret: SECRET, header: signature, body: call.body, now: clock.now() }),
    ).toMatchObject({ timestamp: Math.floor(clock.now() / 1000) });
    // The documented scheme, checked by hand as a receiver without cx would.
    const t = Math.floor(clock.now() / 1000);
    const hex = createHmac('sha256', SECRET).update(`${t}.${call.body}`).digest('hex');
    expect(signature).toBe(`t=${t},v1=${hex}`);

    expect(await storage.work.get(WS, WEBHOOK_QUEUE, keyOf(instance.id))).toBeNull();
    await journeys.drain();
    expect(hook.received).toHaveLength(1);
    expect((await journeyEvents(storage, 'lan')).filter((event) => event.properties.failed)).toEqual([]);
  });

  it('sends no signature without a secret', async () => {
    const hook = await server();
    const { journeys } = await world({});
    await journeys.publish(notifyJourney(hook.url));
    await journeys.enter('vip-signup', 'lan');
    await journeys.drain();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.headers['x-cx-signature']).toBeUndefined();
  });

  it('tries a 503 again after the back-off and delivers it once, with the same key', async () => {
    const hook = await server([{ status: 503 }]);
    const { storage, clock, journeys } = await world();
    await journeys.publish(notifyJourney(hook.url));
    const result = await journeys.enter('vip-signup', 'lan');
    if (!result.entered) throw new Error('not entered');
    const key = keyOf(result.instance.id);

    await journeys.drain();
    expect(hook.received).toHaveLength(1);
    const waiting = await storage.work.get(WS, WEBHOOK_QUEUE, key);
    expect(waiting).toMatchObject({ state: 'scheduled', attempts: 1 });
    expect(waiting?.lastError).toContain('503');
    expect(Date.parse(waiting?.dueAt ?? '')).toBe(clock.now() + 10_000);

    clock.advance(9_999);
    await journeys.drain();
    expect(hook.received).toHaveLength(1);
    clock.advance(1);
    await journeys.drain();
    expect(hook.received).toHaveLength(2);
    expect(hook.received.map((call) => call.headers['idempotency-key'])).toEqual([key, key]);
    expect(hook.received[1]?.body).toBe(hook.received[0]?.body);
    expect(await storage.work.get(WS, WEBHOOK_QUEUE, key)).toBeNull();

    clock.advance(DAY);
    await journeys.drain();
    expect(hook.received).toHaveLength(2);
    expect((await journeyEvents(storage, 'lan')).filter((event) => event.properties.failed)).toEqual([]);
  });

  it('waits as long as a 429 Retry-After asks when that is longer than the back-off', async () => {
    const hook = await server([{ status: 429, headers: { 'Retry-After': '120' } }]);
    const { storage, clock, journeys } = await world();
    await journeys.publish(notifyJourney(hook.url));
    const result = await journeys.enter('vip-signup', 'lan');
    if (!result.entered) throw new Error('not entered');
    const key = keyOf(result.instance.id);

    await journeys.drain();
    expect(hook.received).toHaveLength(1);
    const waiting = await storage.work.get(WS, WEBHOOK_QUEUE, key);
    expect(Date.parse(waiting?.dueAt ?? '')).toBe(clock.now() + 120_000);
    clock.advance(10_000);
    await journeys.drain();
    expect(hook.received).toHaveLength(1);
    clock.advance(110_000);
    await journeys.drain();
    expect(hook.received.map((call) => call.headers['idempotency-key'])).toEqual([key, key]);
    expect(await storage.work.get(WS, WEBHOOK_QUEUE, key)).toBeNull();
  });

  it('dead-letters a 400 at once and records the failure on the profile and the instance', async () => {
    const hook = await server([{ status: 400 }]);
    const { storage, clock, journeys } = await world();
    await journeys.publish(notifyJourney(hook.url));
    const result = await journeys.enter('vip-signup', 'lan');
    if (!result.entered) throw new Error('not entered');
    const key = keyOf(result.instance.id);

    await journeys.drain();
    expect(hook.received).toHaveLength(1);
    const dead = await storage.work.get(WS, WEBHOOK_QUEUE, key);
    expect(dead).toMatchObject({ state: 'dead', attempts: 1 });
    expect(dead?.lastError).toContain('400');

    const failed = (await journeyEvents(storage, 'lan')).filter((event) => event.properties.failed);
    expect(failed).toEqual([
      {
        name: 'Journey Step',
        properties: {
          journeyId: 'vip-signup',
          version: 1,
          instanceId: result.instance.id,
          node: 'notify',
          webhookKey: key,
          failed: true,
          reason: expect.stringContaining('answered 400'),
        },
      },
    ]);
    const instance = await journeys.instance(result.instance.id);
    expect(instance?.status).toBe('exited');
    expect(instance?.failures).toEqual([
      { node: 'notify', key, reason: expect.stringContaining('400'), at: clock.now() },
    ]);

    clock.advance(DAY);
    await journeys.drain();
    expect(hook.received).toHaveLength(1);
    expect((await journeyEvents(storage, 'lan')).filter((event) => event.properties.failed)).toHaveLength(1);
  });

  it('gives up after maxAttempts failures and records it once', async () => {
    const hook = await server([{ status: 500 }, { status: 502 }]);
    const { storage, clock, journeys } = await world({ secret: SECRET, maxAttempts: 2 });
    await journeys.publish(notifyJourney(hook.url));
    const result = await journeys.enter('vip-signup', 'lan');
    if (!result.entered) throw new Error('not entered');
    const key = keyOf(result.instance.id);

    await journeys.drain();
    clock.advance(10_000);
    await journeys.drain();
    expect(hook.received).toHaveLength(2);
    expect(await storage.work.get(WS, WEBHOOK_QUEUE, key)).toMatchObject({ state: 'dead' });
    const failed = (await journeyEvents(storage, 'lan')).filter((event) => event.properties.failed);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.properties.reason).toContain('answered 502');
    expect(failed[0]?.properties.reason).toContain('gave up after 2 attempts');
  });

  it('tries a receiver that is not there again, as a network error', async () => {
    const hook = await server();
    await hook.close();
    const { storage, journeys } = await world();
    await journeys.publish(notifyJourney(hook.url));
    const result = await journeys.enter('vip-signup', 'lan');
    if (!result.entered) throw new Error('not entered');
    await journeys.drain();
    const waiting = await storage.work.get(WS, WEBHOOK_QUEUE, keyOf(result.instance.id));
    expect(waiting).toMatchObject({ state: 'scheduled', attempts: 1 });
    expect(waiting?.lastError).toContain('could not be reached');
  });

  it('tries a receiver that does not answer within timeoutMs again', async () => {
    const hook = await server([{ status: 'hang' }]);
    const { storage, clock, journeys } = await world({ timeoutMs: 50 });
    await journeys.publish(notifyJourney(hook.url));
    const result = await journeys.enter('vip-signup', 'lan');
    if (!result.entered) throw new Error('not entered');
    const key = keyOf(result.instance.id);
    await journeys.drain();
    const waiting = await storage.work.get(WS, WEBHOOK_QUEUE, key);
    expect(waiting).toMatchObject({ state: 'scheduled', attempts: 1 });
    expect(waiting?.lastError).toContain('TimeoutError');
    clock.advance(10_000);
    await journeys.drain();
    expect(hook.received.map((call) => call.headers['idempotency-key'])).toEqual([key, key]);
    expect(await storage.work.get(WS, WEBHOOK_QUEUE, key)).toBeNull();
  });

  it('schedules one call however often the step is stepped: a CONFLICT retry, a step not committed, drain again', async () => {
    const hook = await server();
    const { storage, clock, journeys } = await world();
    const definition = laterJourney(hook.url);
    await journeys.publish(definition);
    const result = await journeys.enter('day-after', 'lan');
    if (!result.entered) throw new Error('not entered');
    const id = result.instance.id;
    const key = keyOf(id);
    clock.advance(DAY);

    const deps = {
      storage,
      workspaceId: WS,
      channels: createChannels({ storage, workspaceId: WS, clock, adapters: [] }),
    };
    const input = { type: 'timer', node: 'pause', at: clock.now() } as const;
    const stepOnce = async () => {
      const work = new JourneyWorkingSet(storage, WS);
      const stored = await work.get<StoredInstance>(JOURNEY_COLLECTIONS.instances, id);
      if (!stored) throw new Error('no instance');
      await applyStep(deps, work, definition, stored, input, clock.now());
      return work;
    };

    // A step that is never committed (a crash before the commit) schedules nothing.
    const abandoned = await stepOnce();
    expect(abandoned.toCommit().schedule).toEqual([
      expect.objectContaining({ queue: WEBHOOK_QUEUE, key, ifExists: 'keep' }),
    ]);
    expect(await storage.work.get(WS, WEBHOOK_QUEUE, key)).toBeNull();

    // Two workers step the same timer: one commit holds, the other is refused whole.
    const first = await stepOnce();
    const second = await stepOnce();
    await storage.commit(WS, first.toCommit());
    await expect(storage.commit(WS, second.toCommit())).rejects.toMatchObject({ code: 'CONFLICT' });
    // The loser steps again from what is stored: the instance is past the node, nothing to schedule.
    const retried = await stepOnce();
    expect(retried.toCommit().schedule ?? []).toEqual([]);

    await journeys.drain();
    await journeys.drain();
    expect(hook.received.map((call) => call.headers['idempotency-key'])).toEqual([key]);
    const instance = await journeys.instance(id);
    expect(instance?.status).toBe('exited');
  });

  it('gives each visit of a webhook node in a loop its own key', async () => {
    const hook = await server();
    const { clock, journeys } = await world();
    await journeys.publish(loopJourney(hook.url));
    const result = await journeys.enter('twice', 'lan');
    if (!result.entered) throw new Error('not entered');
    await journeys.drain();
    clock.advance(DAY);
    await journeys.drain();
    clock.advance(DAY);
    await journeys.drain();
    const id = result.instance.id;
    expect(hook.received.map((call) => call.headers['idempotency-key'])).toEqual([
      keyOf(id),
      `${keyOf(id)}#2`,
    ]);
    expect((await journeys.instance(id))?.status).toBe('exited');
  });
});

describe('webhook options', () => {
  const base = () => {
    const storage = memoryStorage();
    return { storage, workspaceId: WS, channels: createChannels({ storage, workspaceId: WS, adapters: [] }) };
  };

  it.each([
    ['a short secret', { secret: 'short' }],
    ['a timeout of 0', { timeoutMs: 0 }],
    ['a fractional timeout', { timeoutMs: 1.5 }],
    ['maxAttempts of 0', { maxAttempts: 0 }],
    ['a fetch that is not a function', { fetch: 'fetch' }],
    ['an unknown option', { retries: 3 }],
  ])('refuses %s with a ConfigError', (_what, webhooks) => {
    expect(() => createJourneys({ ...base(), webhooks: webhooks as JourneyWebhookOptions })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });

  it('calls through an injected fetch, with the timeout as its signal', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    const clock = new ManualClock(START);
    const storage = memoryStorage({ clock });
    const journeys = createJourneys({
      storage,
      workspaceId: WS,
      clock,
      channels: createChannels({ storage, workspaceId: WS, clock, adapters: [] }),
      webhooks: {
        timeoutMs: 2_500,
        fetch: async (url, init) => {
          calls.push({ url: String(url), init });
          return new Response(null, { status: 204 });
        },
      },
    });
    await storage.profiles.create(WS, { id: 'lan', traits: {} });
    await journeys.publish(notifyJourney('https://hooks.example.com/cx'));
    await journeys.enter('vip-signup', 'lan');
    await journeys.drain();
    expect(calls.map((call) => call.url)).toEqual(['https://hooks.example.com/cx']);
    expect(calls[0]?.init).toMatchObject({ method: 'POST', redirect: 'manual' });
    expect(calls[0]?.init?.signal).toBeInstanceOf(AbortSignal);
    await storage.close();
  });
});

describe('webhook nodes in a simulation', () => {
  it('are recorded and counted per node, never called', async () => {
    const hook = await receiver();
    try {
      const definition: JourneyDefinition = {
        id: 'signup-hook',
        entry: { type: 'event', event: 'Signed Up' },
        start: 'notify',
        nodes: [
          { type: 'webhook', id: 'notify', url: hook.url, next: 'done' },
          { type: 'exit', id: 'done' },
        ],
      };
      const at = Date.parse(START);
      const report = await simulateJourney(definition, {
        events: [track('lan', at, 'Signed Up'), track('minh', at + 1000, 'Signed Up')],
        profiles: { lan: {}, minh: {} },
      });
      expect(report.webhooks).toEqual({ total: 2, byNode: { notify: 2 } });
      expect(hook.received).toHaveLength(0);
    } finally {
      await hook.close();
    }
  });
});
