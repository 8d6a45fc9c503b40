import type { CommitInput, Storage } from '@cx/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { INPUT_NAMES_KEY, JOURNEY_COLLECTIONS, TIMER_QUEUE } from '../../src/runtime/journey-store';
import {
  abandonedCart,
  DAY,
  type Embedded,
  embedded,
  journeyEvents,
  storages,
  track,
  WS,
} from './runtime-fixtures';

const twoWaits: JourneyDefinition = {
  id: 'two-waits',
  entry: { type: 'api' },
  start: 'w1',
  nodes: [
    { type: 'wait', id: 'w1', for: { hours: 1 }, next: 'w2' },
    { type: 'wait', id: 'w2', for: { hours: 1 }, next: 'done' },
    { type: 'exit', id: 'done' },
  ],
};

const HOUR = 3_600_000;
const people = Array.from({ length: 30 }, (_, n) => `p${n}`);

/** Counts the commits that complete timers, and lets a test act just before the first of them. */
function watchTimerCommits(storage: Storage, before?: () => Promise<void>) {
  const seen: number[] = [];
  const commit = storage.commit.bind(storage);
  storage.commit = async (workspaceId: string, input: CommitInput) => {
    const timers = (input.complete ?? []).filter((claim) => claim.queue === TIMER_QUEUE).length;
    if (timers > 0) {
      if (seen.length === 0) await before?.();
      seen.push(timers);
    }
    return commit(workspaceId, input);
  };
  return seen;
}

describe.each(storages)('timers stepped in batches on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  it('steps every due timer of a batch in one commit', async () => {
    setup = await embedded(open);
    const { journeys, clock, storage } = setup;
    await journeys.publish(twoWaits);
    for (const person of people) await journeys.enter('two-waits', person);
    const commits = watchTimerCommits(storage);

    clock.advance(HOUR);
    await setup.settle();
    expect(commits).toEqual([people.length]);
    for (const person of people) {
      const [instance] = await journeys.instancesOf(person);
      expect(instance).toMatchObject({ status: 'waiting', node: 'w2' });
    }
    clock.advance(HOUR);
    await setup.settle();
    expect(commits).toEqual([people.length, people.length]);
    expect((await journeys.stats('two-waits')).instances).toMatchObject({
      exited: people.length,
      running: 0,
    });
  });

  it('steps each timer on its own when another writer changed an instance of the batch meanwhile', async () => {
    setup = await embedded(open);
    const { journeys, clock, storage } = setup;
    await journeys.publish(twoWaits);
    for (const person of people) await journeys.enter('two-waits', person);
    const [raced] = await journeys.instancesOf('p7');
    // Just before the batch commits, the instance is written again (as an event's step would):
    // the batch's commit is refused and nothing of it is stored.
    const commits = watchTimerCommits(storage, async () => {
      const stored = await storage.documents.get(WS, JOURNEY_COLLECTIONS.instances, raced!.id);
      await storage.documents.put(WS, {
        collection: JOURNEY_COLLECTIONS.instances,
        key: raced!.id,
        value: stored!.value,
        expectedVersion: stored!.version,
      });
    });

    clock.advance(HOUR);
    await setup.settle();
    // The refused batch, then one commit per timer.
    expect(commits).toEqual([people.length, ...people.map(() => 1)]);
    for (const person of people) {
      const [instance] = await journeys.instancesOf(person);
      expect(instance).toMatchObject({ status: 'waiting', node: 'w2' });
      const steps = (await journeyEvents(storage, person)).filter(
        (event) => event.name === 'Journey Step' && event.properties.node === 'w2',
      );
      expect(steps).toHaveLength(1); // stepped once, whatever the retries
    }
  });
});

describe.each(storages)('routing events to journeys on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  it('keeps the union of every version’s input events, and leaves other events unrouted', async () => {
    setup = await embedded(open, { lan: {} });
    const { journeys, storage, clock } = setup;
    await journeys.publish(abandonedCart);
    const stored = await storage.documents.get<{ names: string[] }>(
      WS,
      JOURNEY_COLLECTIONS.inputs,
      INPUT_NAMES_KEY,
    );
    expect(stored?.value.names).toEqual(['Cart Updated', 'Order Completed']);

    await setup.append(track('lan', clock.now(), 'Cart Updated', { cartId: 'c1', productName: 'Áo dài' }));
    await setup.settle();
    const [instance] = await journeys.instancesOf('lan');
    const before = await storage.documents.get(WS, JOURNEY_COLLECTIONS.instances, instance!.id);
    await setup.append(track('lan', clock.now(), 'Page Viewed', { path: '/' }));
    await setup.settle();
    const after = await storage.documents.get(WS, JOURNEY_COLLECTIONS.instances, instance!.id);
    expect(after?.version).toBe(before?.version);
    // The goal still reaches it.
    await setup.append(track('lan', clock.now(), 'Order Completed', { cartId: 'c1' }));
    await setup.settle();
    expect(await journeys.instance(instance!.id)).toMatchObject({ status: 'completed' });
  });

  it('rebuilds the union from every stored version when it was never kept', async () => {
    setup = await embedded(open, { lan: {} });
    const { journeys, storage, clock } = setup;
    await journeys.publish(abandonedCart);
    // A database from before the union was kept: versions, but no union.
    await storage.documents.delete(WS, JOURNEY_COLLECTIONS.inputs, INPUT_NAMES_KEY);
    await setup.append(track('lan', clock.now(), 'Cart Updated', { cartId: 'c1', productName: 'Áo dài' }));
    await setup.settle();
    expect(await journeys.instancesOf('lan')).toHaveLength(1);

    await journeys.publish({ ...twoWaits, id: 'other', entry: { type: 'event', event: 'Signed Up' } });
    const stored = await storage.documents.get<{ names: string[] }>(
      WS,
      JOURNEY_COLLECTIONS.inputs,
      INPUT_NAMES_KEY,
    );
    expect(stored?.value.names).toEqual(['Cart Updated', 'Order Completed', 'Signed Up']);
    clock.advance(DAY / 4);
    await setup.append(track('lan', clock.now(), 'Order Completed', { cartId: 'c1' }));
    await setup.settle();
    expect((await journeys.instancesOf('lan'))[0]).toMatchObject({ status: 'completed' });
  });

  it('routes every event while the union lacks a current version’s names (a process that does not keep it published)', async () => {
    setup = await embedded(open, { lan: {} });
    const { journeys, storage, clock } = setup;
    await journeys.publish(abandonedCart);
    await setup.append(track('lan', clock.now(), 'Cart Updated', { cartId: 'c1', productName: 'Áo dài' }));
    await setup.settle();
    const stored = await storage.documents.get(WS, JOURNEY_COLLECTIONS.inputs, INPUT_NAMES_KEY);
    await storage.documents.put(WS, {
      collection: JOURNEY_COLLECTIONS.inputs,
      key: INPUT_NAMES_KEY,
      value: { names: ['Cart Updated'] },
      expectedVersion: stored!.version,
    });
    await setup.append(track('lan', clock.now(), 'Order Completed', { cartId: 'c1' }));
    await setup.settle();
    expect((await journeys.instancesOf('lan'))[0]).toMatchObject({ status: 'completed' });
  });
});
