import { afterEach, describe, expect, it } from 'vitest';
import { abandonedCart, DAY, type Embedded, embedded, storages, track } from './runtime-fixtures';

/*
 * Four people through the abandoned cart: one orders at once, one after the reminder, one gets
 * every message, one is still waiting for the order. The numbers must match exactly that.
 */
describe.each(storages)('journey analytics on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  it('counts entries, exits, waiting people, conversions and drop-off per node', async () => {
    setup = await embedded(open, {
      a: { firstName: 'A' },
      b: { firstName: 'B' },
      c: { firstName: 'C' },
      d: { firstName: 'D' },
    });
    const { journeys, clock } = setup;
    await journeys.publish(abandonedCart);
    const cart = (id: string) =>
      track(id, clock.now(), 'Cart Updated', { cartId: `cart-${id}`, productName: 'x' });
    const order = (id: string) => track(id, clock.now(), 'Order Completed', { cartId: `cart-${id}` });
    await setup.append(cart('a'), cart('b'), cart('c'));
    await setup.settle();
    await setup.append(order('a'));
    await setup.settle();
    clock.advance(DAY);
    await setup.settle();
    await setup.append(order('b'));
    await setup.settle();
    clock.advance(DAY);
    await setup.settle(); // c gets the last message and exits at done
    await setup.append(cart('d'));
    await setup.settle(); // d waits for its order

    const stats = await journeys.stats('abandoned-cart');
    expect(stats.instances).toEqual({ total: 4, running: 1, completed: 2, exited: 1 });
    expect(stats.goals).toEqual({ ordered: 2 });
    expect(stats.conversionRate).toBe(0.5);
    expect(stats.nodes.push).toEqual({ entered: 4, left: 4, waiting: 0, converted: 2, dropOff: 0 });
    expect(stats.nodes['wait-order']).toEqual({ entered: 4, left: 3, waiting: 1, converted: 2, dropOff: 0 });
    expect(stats.nodes.reminder).toEqual({ entered: 2, left: 2, waiting: 0, converted: 1, dropOff: 0 });
    expect(stats.nodes['wait-more']).toEqual({ entered: 2, left: 2, waiting: 0, converted: 1, dropOff: 0 });
    expect(stats.nodes.last).toEqual({ entered: 1, left: 1, waiting: 0, converted: 0, dropOff: 0 });
    expect(stats.nodes.done).toEqual({ entered: 1, left: 1, waiting: 0, converted: 0, dropOff: 1 });

    const members = await journeys.membersAt('abandoned-cart', 'wait-order');
    expect(members.items.map((member) => member.profileId)).toEqual(['d']);
    expect(members.nextCursor).toBeNull();
  });

  it('pages the people at a node', async () => {
    const people = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((id) => [id, { firstName: id }]));
    setup = await embedded(open, people);
    await setup.journeys.publish(abandonedCart);
    await setup.append(
      ...Object.keys(people).map((id) =>
        track(id, setup.clock.now(), 'Cart Updated', { cartId: id, productName: 'x' }),
      ),
    );
    await setup.settle();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await setup.journeys.membersAt('abandoned-cart', 'wait-order', { limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((member) => member.profileId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
