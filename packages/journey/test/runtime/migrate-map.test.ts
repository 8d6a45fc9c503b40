import { ConflictError, isCxError, type ValidationError } from '@cx/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyDefinition, MessageNode } from '../../src/definition/journey-types';
import {
  abandonedCart,
  DAY,
  type Embedded,
  embedded,
  journeyEvents,
  storages,
  track,
} from './runtime-fixtures';

/*
 * publish(definition, { migrate: { map } }): running instances of earlier versions at a mapped
 * node move to the new version and run from the mapped node now; the others are kept or exited.
 */
const note = (id: string, title: string, next: string): MessageNode => ({
  type: 'message',
  id,
  channels: ['in-app'],
  templates: {
    'in-app': { id, channel: 'in-app', defaultLocale: 'en-US', variants: { 'en-US': { title, text: 'x' } } },
  },
  next,
});

/** Version 2 of the abandoned cart: a two-day order wait, new titles, and a `nudge` node. */
const cartV2: JourneyDefinition = {
  ...abandonedCart,
  nodes: [
    // A push that cannot be made goes to the nudge, so the nudge has a way in.
    { ...note('push', 'Your cart (v2)', 'wait-order'), on: { failed: 'nudge' } },
    {
      type: 'wait-for',
      id: 'wait-order',
      until: { kind: 'event', event: 'Order Completed', correlate: { cartId: 'cartId' } },
      timeout: { days: 2 },
      next: 'done',
      onTimeout: 'reminder',
    },
    note('reminder', 'Reminder (v2)', 'wait-more'),
    note('nudge', 'Nudge (v2)', 'wait-more'),
    { type: 'wait', id: 'wait-more', for: { days: 1 }, next: 'last' },
    note('last', 'Last call (v2)', 'done'),
    { type: 'exit', id: 'done' },
  ],
};

const cart = (profileId: string, at: number) =>
  track(profileId, at, 'Cart Updated', { cartId: `cart-${profileId}`, productName: 'Áo dài' });

describe.each(storages)('migrating with a map on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  /** binh waits at v1's `wait-more` (reminded a day ago), an at v1's `wait-order` (entered now). */
  async function twoWaiting(): Promise<{ an: string; binh: string }> {
    setup = await embedded(open, { an: { firstName: 'An' }, binh: { firstName: 'Bình' } });
    await setup.journeys.publish(abandonedCart);
    await setup.append(cart('binh', setup.clock.now()));
    await setup.settle();
    setup.clock.advance(DAY);
    await setup.settle();
    await setup.append(cart('an', setup.clock.now()));
    await setup.settle();
    const [an] = await setup.journeys.instancesOf('an');
    const [binh] = await setup.journeys.instancesOf('binh');
    expect(an).toMatchObject({ version: 1, node: 'wait-order', status: 'waiting' });
    expect(binh).toMatchObject({ version: 1, node: 'wait-more', status: 'waiting' });
    expect(await setup.inboxTitles('binh')).toEqual(['Your cart', 'Still thinking, Bình?']);
    return { an: an!.id, binh: binh!.id };
  }

  it('moves people at mapped nodes to the new version, where they go on from the mapped node', async () => {
    const old = await twoWaiting();
    const { journeys, clock, storage } = setup;
    const publishedAt = clock.now();
    expect(
      await journeys.publish(cartV2, {
        migrate: { map: { 'wait-order': 'wait-order', 'wait-more': 'nudge' } },
      }),
    ).toEqual({ id: 'abandoned-cart', version: 2, migrated: 2, exited: 0 });

    // The old instances ended, their timers cancelled.
    for (const id of [old.an, old.binh]) {
      expect(await journeys.instance(id)).toMatchObject({
        status: 'exited',
        version: 1,
        outcome: { kind: 'exit', id: 'version-migrated', at: publishedAt },
      });
      expect(await storage.work.get('shop', 'journey.timers', id)).toBeNull();
    }
    // The new ones: the person's next entry number, same entry, correlation, data and enteredAt.
    const [anOld, anNew] = await journeys.instancesOf('an');
    expect(anOld?.id).toBe(old.an);
    expect(anNew).toMatchObject({
      id: 'abandoned-cart@2/an/2',
      version: 2,
      status: 'waiting',
      node: 'wait-order',
      entry: anOld?.entry,
      correlation: { cartId: 'cart-an' },
      enteredAt: anOld?.enteredAt,
      path: [{ node: 'wait-order', at: publishedAt }],
      // The wait starts over from now, with v2's timeout.
      waiting: { kind: 'condition', node: 'wait-order', timeoutAt: publishedAt + 2 * DAY },
    });
    expect(anNew?.data).toEqual(anOld?.data);
    const [binhOld, binhNew] = await journeys.instancesOf('binh');
    expect(binhNew).toMatchObject({
      id: 'abandoned-cart@2/binh/2',
      version: 2,
      node: 'wait-more',
      path: [
        { node: 'nudge', at: publishedAt },
        { node: 'wait-more', at: publishedAt },
      ],
    });
    expect(binhNew?.enteredAt).toBe(binhOld?.enteredAt);
    const index = await storage.documents.get<{
      journeys: Record<string, { entries: number; active: string[]; recent: string[] }>;
    }>('shop', 'journey.profiles', 'an');
    expect(index?.value.journeys['abandoned-cart']).toMatchObject({
      entries: 2,
      active: ['abandoned-cart@2/an/2'],
      recent: [old.an, 'abandoned-cart@2/an/2'],
    });

    // The mapped message node sends at once; then v2 goes on.
    await setup.settle();
    expect(await setup.inboxTitles('binh')).toEqual(['Your cart', 'Still thinking, Bình?', 'Nudge (v2)']);
    clock.advance(DAY);
    await setup.settle();
    // v1's one-day timeout is gone: an is still waiting for the order; binh had v2's last call.
    expect(await setup.inboxTitles('an')).toEqual(['Your cart']);
    expect(await setup.inboxTitles('binh')).toEqual([
      'Your cart',
      'Still thinking, Bình?',
      'Nudge (v2)',
      'Last call (v2)',
    ]);
    expect(await journeys.instance(binhNew!.id)).toMatchObject({
      status: 'exited',
      outcome: { kind: 'exit-node', id: 'done' },
    });
    // The correlation key came along: an's order of the cart is v2's goal.
    await setup.append(track('an', clock.now(), 'Order Completed', { cartId: 'cart-an' }));
    await setup.settle();
    expect(await journeys.instance(anNew!.id)).toMatchObject({
      status: 'completed',
      outcome: { kind: 'goal', id: 'ordered' },
    });

    const events = await journeyEvents(storage, 'an');
    expect(events.find((event) => event.properties.reason === 'migrated')?.properties).toMatchObject({
      journeyId: 'abandoned-cart',
      version: 1,
      instanceId: old.an,
      node: 'wait-order',
      reason: 'migrated',
      outcomeId: 'version-migrated',
      toVersion: 2,
      migratedTo: anNew!.id,
    });
    expect(
      events.filter((event) => event.name === 'Journey Entered').map((event) => event.properties),
    ).toMatchObject([
      { version: 1, instanceId: old.an },
      { version: 2, instanceId: anNew!.id, migratedFrom: old.an },
    ]);

    const v1 = await journeys.stats('abandoned-cart', 1);
    expect(v1.instances).toEqual({ total: 2, running: 0, completed: 0, exited: 2 });
    expect(v1.exits).toEqual({ 'version-migrated': 2 });
    // Moved on, not dropped off.
    expect(v1.nodes['wait-order']).toMatchObject({ entered: 2, left: 2, waiting: 0, dropOff: 0 });
    const v2 = await journeys.stats('abandoned-cart', 2);
    expect(v2.instances).toEqual({ total: 2, running: 0, completed: 1, exited: 1 });
    expect(v2.goals).toEqual({ ordered: 1 });
    expect(v2.nodes['wait-order']).toMatchObject({ entered: 1, converted: 1 });
    expect(v2.nodes.nudge).toMatchObject({ entered: 1, left: 1 });
    expect(v2.nodes.push).toMatchObject({ entered: 0 });
  });

  it('moves again after a CONFLICT, sending once', async () => {
    const old = await twoWaiting();
    const { storage } = setup;
    const commit = storage.commit.bind(storage);
    let refused = 0;
    // The first commit of binh's move meets another writer.
    storage.commit = async (workspaceId, input) => {
      if (refused === 0 && input.documents?.some((each) => each.key === 'abandoned-cart@2/binh/2')) {
        refused += 1;
        throw new ConflictError('another writer');
      }
      return commit(workspaceId, input);
    };
    expect(
      await setup.journeys.publish(cartV2, {
        migrate: { map: { 'wait-order': 'wait-order', 'wait-more': 'nudge' } },
      }),
    ).toMatchObject({ migrated: 2 });
    expect(refused).toBe(1);
    expect(await setup.journeys.instance(old.binh)).toMatchObject({ outcome: { id: 'version-migrated' } });
    await setup.settle();
    expect(await setup.inboxTitles('binh')).toEqual(['Your cart', 'Still thinking, Bình?', 'Nudge (v2)']);
    const exits = (await journeyEvents(storage, 'binh')).filter(
      (event) => event.properties.reason === 'migrated',
    );
    expect(exits).toHaveLength(1);
  });

  it('keeps people at unmapped nodes on their version by default', async () => {
    const old = await twoWaiting();
    expect(
      await setup.journeys.publish(cartV2, { migrate: { map: { 'wait-order': 'wait-order' } } }),
    ).toEqual({
      id: 'abandoned-cart',
      version: 2,
      migrated: 1,
      exited: 0,
    });
    expect(await setup.journeys.instance(old.binh)).toMatchObject({ version: 1, status: 'waiting' });
    setup.clock.advance(DAY);
    await setup.settle();
    expect(await setup.inboxTitles('binh')).toEqual(['Your cart', 'Still thinking, Bình?', 'Last call']);
    expect(await setup.journeys.instancesOf('binh')).toHaveLength(1);
  });

  it('exits people at unmapped nodes with unmapped: exit', async () => {
    const old = await twoWaiting();
    expect(
      await setup.journeys.publish(cartV2, {
        migrate: { map: { 'wait-order': 'wait-order' }, unmapped: 'exit' },
      }),
    ).toEqual({ id: 'abandoned-cart', version: 2, migrated: 1, exited: 1 });
    expect(await setup.journeys.instance(old.binh)).toMatchObject({
      status: 'exited',
      outcome: { kind: 'exit', id: 'version-replaced' },
    });
    expect(await setup.storage.work.get('shop', 'journey.timers', old.binh)).toBeNull();
    setup.clock.advance(DAY);
    await setup.settle();
    expect(await setup.inboxTitles('binh')).toEqual(['Your cart', 'Still thinking, Bình?']);
    const v1 = await setup.journeys.stats('abandoned-cart', 1);
    expect(v1.exits).toEqual({ 'version-migrated': 1, 'version-replaced': 1 });
    expect(v1.nodes['wait-more']).toMatchObject({ dropOff: 1 });
    // The person may enter the new version.
    await setup.append(cart('binh', setup.clock.now()));
    await setup.settle();
    expect((await setup.journeys.instancesOf('binh')).map((each) => [each.version, each.status])).toEqual([
      [1, 'exited'],
      [2, 'waiting'],
    ]);
  });

  it('refuses a map with unknown nodes on either side, listing all, and publishes nothing', async () => {
    await twoWaiting();
    const error = (await setup.journeys
      .publish(cartV2, {
        migrate: { map: { 'wait-order': 'gone', nowhere: 'wait-order', nudge: 'nudge', elsewhere: 'lost' } },
      })
      .catch((caught: unknown) => caught)) as ValidationError;
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect(error.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['migrate.map.wait-order', 'unknown_target_node'],
      ['migrate.map.nowhere', 'unknown_source_node'],
      // nudge is a node of v2 only.
      ['migrate.map.nudge', 'unknown_source_node'],
      ['migrate.map.elsewhere', 'unknown_source_node'],
      ['migrate.map.elsewhere', 'unknown_target_node'],
    ]);
    expect((await setup.storage.documents.get('shop', 'journey.current', 'abandoned-cart'))?.value).toEqual({
      version: 1,
    });
    expect((await setup.storage.documents.list('shop', 'journey.definitions')).items).toHaveLength(1);
    expect((await setup.journeys.stats('abandoned-cart', 1)).instances.running).toBe(2);
  });

  it('refuses a malformed migrate option, and a map on a first publish', async () => {
    setup = await embedded(open);
    for (const migrate of [
      'move',
      { map: { push: 1 } },
      { map: {}, unmapped: 'drop' },
      { map: {}, extra: true },
    ]) {
      const error = await setup.journeys
        .publish(abandonedCart, { migrate } as never)
        .catch((caught: unknown) => caught);
      expect(isCxError(error, 'VALIDATION')).toBe(true);
    }
    const error = (await setup.journeys
      .publish(abandonedCart, { migrate: { map: { push: 'push' } } })
      .catch((caught: unknown) => caught)) as ValidationError;
    expect(error.issues.map((issue) => issue.code)).toEqual(['unknown_source_node']);
    expect((await setup.storage.documents.list('shop', 'journey.current')).items).toEqual([]);
    // An empty map is a valid no-op.
    expect(await setup.journeys.publish(abandonedCart, { migrate: { map: {} } })).toEqual({
      id: 'abandoned-cart',
      version: 1,
      migrated: 0,
      exited: 0,
    });
  });
});
