import { afterEach, describe, expect, it } from 'vitest';
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
 * The abandoned-cart recipe end to end, through events appended to the log: the consumer admits
 * the person and feeds their events, the timer worker runs the timeout, messages go out through
 * @cx/channels into the in-app inbox, and an order of the same cart ends it as a goal.
 */
describe.each(storages)('the abandoned cart on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  it('sends, ignores another cart, times out to the reminder and converts on the order', async () => {
    setup = await embedded(open, { lan: { firstName: 'Lan' } });
    const { journeys, clock } = setup;
    await journeys.publish(abandonedCart);

    await setup.append(track('lan', clock.now(), 'Cart Updated', { cartId: 'c1', productName: 'Áo dài' }));
    await setup.settle();
    expect(await setup.inboxTitles('lan')).toEqual(['Your cart']);
    const [instance] = await journeys.instancesOf('lan');
    expect(instance).toMatchObject({ status: 'waiting', node: 'wait-order', correlation: { cartId: 'c1' } });

    // A second update of the cart while it runs: `after-exit` keeps it to one instance.
    await setup.append(track('lan', clock.now(), 'Cart Updated', { cartId: 'c1', productName: 'Áo dài' }));
    // Another cart's order is not this cart's.
    await setup.append(track('lan', clock.now(), 'Order Completed', { cartId: 'c2' }));
    await setup.settle();
    expect(await journeys.instancesOf('lan')).toHaveLength(1);
    expect(await journeys.instance(instance!.id)).toMatchObject({ status: 'waiting', node: 'wait-order' });

    clock.advance(DAY);
    await setup.settle();
    expect(await setup.inboxTitles('lan')).toEqual(['Your cart', 'Still thinking, Lan?']);
    expect(await journeys.instance(instance!.id)).toMatchObject({ status: 'waiting', node: 'wait-more' });

    clock.advance(DAY / 2);
    await setup.append(track('lan', clock.now(), 'Order Completed', { cartId: 'c1' }));
    await setup.settle();
    const done = await journeys.instance(instance!.id);
    expect(done).toMatchObject({ status: 'completed', outcome: { kind: 'goal', id: 'ordered' } });
    expect(await setup.storage.work.get('shop', 'journey.timers', instance!.id)).toBeNull();

    // The timer was cancelled: nothing more goes out however long we wait.
    clock.advance(3 * DAY);
    await setup.settle();
    expect(await setup.inboxTitles('lan')).toEqual(['Your cart', 'Still thinking, Lan?']);
    expect(done?.path.map((step) => step.node)).toEqual(['push', 'wait-order', 'reminder', 'wait-more']);

    const events = await journeyEvents(setup.storage, 'lan');
    expect(events.map((event) => event.name)).toEqual([
      'Journey Entered',
      'Journey Step',
      'Journey Step',
      'Journey Step',
      'Journey Step',
      'Journey Exited',
    ]);
    expect(events.at(-1)?.properties).toMatchObject({
      journeyId: 'abandoned-cart',
      version: 1,
      instanceId: instance!.id,
      reason: 'goal',
      outcomeId: 'ordered',
    });
  });

  it('enters nobody on an update without the entry condition', async () => {
    setup = await embedded(open, { minh: {} });
    await setup.journeys.publish(abandonedCart);
    await setup.append(track('minh', setup.clock.now(), 'Cart Updated', { cartId: 'c9' }));
    await setup.settle();
    expect(await setup.journeys.instancesOf('minh')).toEqual([]);
  });
});
