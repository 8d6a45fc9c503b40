import { describe, expect, it, vi } from 'vitest';
import {
  type CxEvent,
  createEventConsumer,
  createLocalBus,
  type EventPageHandler,
  ManualClock,
  memoryStorage,
  type Storage,
} from '../src';
import { makeEvents } from '../src/testing';

const WS = 'acme';

function setup() {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  return { clock, storage: memoryStorage({ clock }) };
}

/** A handler that keeps a count of events per type in one document, version-checked. */
function countingHandler(storage: Storage): EventPageHandler {
  return async (events) => {
    const current = await storage.documents.get<Record<string, number>>(WS, 'test.counts', 'by-type');
    const counts = { ...(current?.value ?? {}) };
    for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
    return {
      documents: [
        { collection: 'test.counts', key: 'by-type', value: counts, expectedVersion: current?.version ?? 0 },
      ],
    };
  };
}

const countsOf = async (storage: Storage) =>
  (await storage.documents.get<Record<string, number>>(WS, 'test.counts', 'by-type'))?.value;

describe('createEventConsumer', () => {
  it('backfills from the beginning a page at a time, keeps its checkpoint, and reports its lag', async () => {
    const { clock, storage } = setup();
    await storage.events.append(WS, makeEvents(25));
    const consumer = createEventConsumer({
      storage,
      clock,
      workspaceId: WS,
      name: 'test.counter',
      pageSize: 10,
      handler: countingHandler(storage),
    });
    expect(await consumer.lag()).toBe(25);
    expect(await consumer.poll()).toBe(10);
    expect(await consumer.lag()).toBe(15);
    expect(await consumer.checkpoint()).toMatchObject({ applied: 10 });
    expect(await consumer.drain()).toBe(15);
    expect(await countsOf(storage)).toEqual({ track: 25 });
    expect(await consumer.lag()).toBe(0);
    await storage.events.append(WS, makeEvents(3, { start: Date.parse('2026-02-01T00:00:00Z') }));
    expect(await consumer.lag()).toBe(3);
    expect(await consumer.drain()).toBe(3);
    expect(await countsOf(storage)).toEqual({ track: 28 });
  });

  it('starting from now skips the events already in the log', async () => {
    const { clock, storage } = setup();
    await storage.events.append(WS, makeEvents(5));
    const consumer = createEventConsumer({
      storage,
      clock,
      workspaceId: WS,
      name: 'test.live',
      startFrom: 'now',
      handler: countingHandler(storage),
    });
    expect(await consumer.lag()).toBe(0);
    expect(await consumer.drain()).toBe(0);
    await storage.events.append(WS, makeEvents(2, { start: Date.parse('2026-03-01T00:00:00Z') }));
    expect(await consumer.drain()).toBe(2);
    expect(await countsOf(storage)).toEqual({ track: 2 });
  });

  it('two instances of one consumer apply each event once', async () => {
    const { clock, storage } = setup();
    await storage.events.append(WS, makeEvents(40));
    const make = () =>
      createEventConsumer({
        storage,
        clock,
        workspaceId: WS,
        name: 'test.counter',
        pageSize: 5,
        handler: countingHandler(storage),
      });
    const [a, b] = [make(), make()];
    const applied = await Promise.all([a.drain(), b.drain()]);
    expect(applied[0]! + applied[1]!).toBe(40);
    expect(await countsOf(storage)).toEqual({ track: 40 });
    // The lease holder stops; the other takes over once the lease has passed.
    await storage.events.append(WS, makeEvents(4, { start: Date.parse('2026-04-01T00:00:00Z') }));
    const holder = applied[0]! > 0 ? a : b;
    const other = holder === a ? b : a;
    await holder.stop();
    expect(await other.drain()).toBe(4);
    expect(await countsOf(storage)).toEqual({ track: 44 });
  });

  it('a handler that throws leaves the checkpoint where it was', async () => {
    const { clock, storage } = setup();
    await storage.events.append(WS, makeEvents(3));
    let calls = 0;
    const consumer = createEventConsumer({
      storage,
      clock,
      workspaceId: WS,
      name: 'test.flaky',
      handler: async (events: readonly CxEvent[]) => {
        calls += 1;
        if (calls === 1) throw new Error('derived store down');
        return { documents: [{ collection: 'test.seen', key: 'n', value: events.length }] };
      },
    });
    await expect(consumer.poll()).rejects.toThrow('derived store down');
    expect(await consumer.lag()).toBe(3);
    expect(await consumer.poll()).toBe(3);
    expect((await storage.documents.get(WS, 'test.seen', 'n'))?.value).toBe(3);
  });

  it('runs in the background and wakes on events.appended', async () => {
    const { clock, storage } = setup();
    const bus = createLocalBus();
    const consumer = createEventConsumer({
      storage,
      clock,
      bus,
      workspaceId: WS,
      name: 'test.counter',
      idle: { minMs: 60_000, maxMs: 60_000 },
      handler: countingHandler(storage),
    });
    consumer.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const events = makeEvents(2);
    await storage.events.append(WS, events);
    await bus.publish('events.appended', { workspaceId: WS, messageIds: events.map((e) => e.messageId) });
    await vi.waitFor(async () => expect(await countsOf(storage)).toEqual({ track: 2 }), { timeout: 2000 });
    await consumer.stop();
  });

  it('refuses bad options with CONFIG', () => {
    const { storage } = setup();
    const handler = async () => undefined;
    for (const bad of [{ name: 'Bad Name' }, { pageSize: 0 }, { workspaceId: 'bad ws!' }]) {
      expect(() => createEventConsumer({ storage, workspaceId: WS, name: 'ok', handler, ...bad })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
    }
  });
});

describe('createEventConsumer conflicts', () => {
  it('drain reads a page again when its commit loses a version race, and applies it once', async () => {
    const { clock, storage } = setup();
    await storage.events.append(WS, makeEvents(6));
    let raced = false;
    const consumer = createEventConsumer({
      storage,
      clock,
      workspaceId: WS,
      name: 'test.counter',
      pageSize: 3,
      handler: async (events) => {
        const commit = await countingHandler(storage)(events, { name: 'test.counter', workspaceId: WS });
        if (!raced) {
          raced = true;
          // Someone else writes the same document between this read and the commit.
          await storage.documents.put(WS, { collection: 'test.counts', key: 'by-type', value: { other: 1 } });
        }
        return commit;
      },
    });
    expect(await consumer.drain()).toBe(6);
    expect(await countsOf(storage)).toEqual({ other: 1, track: 6 });
  });
});
