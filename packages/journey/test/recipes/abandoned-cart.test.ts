import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZNS_MAGIC_PHONES } from '../../../channels/test/zalo/local-zns-server';
import { abandonedCartFull } from './abandoned-cart.recipe';
import { DAY, enteredAndExited, HOUR, type RecipeWorld, recipeWorld, sends, track } from './recipe-world';

/*
 * Recipe 1 end to end: the push goes to a local push service (which decrypts it), the click goes
 * through cx's signed tracking link, the email to a local SMTP server, and the coupon to a local
 * Zalo ZNS server that answers "no Zalo account" (-118), so the SMS gateway gets it instead.
 */
describe('recipe: the abandoned cart, full version', () => {
  let world: RecipeWorld;
  beforeEach(async () => {
    world = await recipeWorld('2026-03-02T03:00:00.000Z'); // Monday, 10:00 in Ho Chi Minh City
    await world.journeys.publish(abandonedCartFull);
    await world.person(
      'lan',
      { firstName: 'Lan', email: 'lan@example.com', phone: ZNS_MAGIC_PHONES.noAccount },
      { push: true },
    );
  });
  afterEach(() => world.close());

  /** Abandons cart c1 and returns the push as the browser's service worker received it. */
  async function abandon() {
    await world.append(
      track('lan', world.clock.now(), 'Cart Updated', { cartId: 'c1', productName: 'Áo dài lụa' }),
    );
    await world.settle();
    expect(world.push.received).toHaveLength(1);
    return world.push.received[0]!.payload;
  }

  /**
   * The person clicks the notification: the service worker opens cx's click link for the message id
   * the push carried, and the click route records `Message Clicked` (`channels.trackClick`).
   */
  async function clickPush(payload: Record<string, unknown>) {
    const link = world.channels.links!.tracking.click(String(payload.id), 'lan', String(payload.url));
    const token = link.slice(link.lastIndexOf('/') + 1);
    expect(await world.channels.trackClick(token)).toBe('https://shop.example/cart/c1');
    await world.settle();
  }

  it('clicked, no order: email after a day, then the ZNS coupon falls back to SMS; another cart’s order changes nothing', async () => {
    const payload = await abandon();
    expect(payload).toMatchObject({
      title: 'Giỏ hàng của bạn',
      body: 'Áo dài lụa đang chờ bạn',
      url: 'https://shop.example/cart/c1',
    });
    const [instance] = await world.journeys.instancesOf('lan');
    expect(instance).toMatchObject({ status: 'waiting', node: 'push', correlation: { cartId: 'c1' } });

    await world.advance(HOUR);
    await clickPush(payload);
    expect(await world.journeys.instance(instance!.id)).toMatchObject({ status: 'waiting', node: 'wait-1d' });

    // Another cart's order is not this cart's.
    await world.append(track('lan', world.clock.now(), 'Order Completed', { cartId: 'c2', orderId: 'o-2' }));
    await world.advance(DAY);
    expect(
      world.smtp.messages.map((mail) => [mail.to && 'text' in mail.to ? mail.to.text : '', mail.subject]),
    ).toEqual([['lan@example.com', 'Bạn còn nhớ Áo dài lụa?']]);
    expect(String(world.smtp.messages[0]?.html)).toContain('Áo dài lụa vẫn còn trong giỏ hàng.');
    expect(await world.journeys.instance(instance!.id)).toMatchObject({
      status: 'waiting',
      node: 'wait-another-1d',
    });

    await world.advance(DAY);
    // ZNS was tried and answered "no Zalo account"; the SMS gateway got the coupon.
    expect(world.zns.requests.map((request) => [request.json?.phone, request.answered.error])).toEqual([
      ['84900000118', -118],
    ]);
    expect(world.zns.requests[0]?.json).toMatchObject({
      template_id: '231337',
      template_data: { customer_name: 'Lan', coupon: 'CART10' },
    });
    expect(world.zns.delivered()).toEqual([]);
    expect(world.sms.requests.map((request) => [request.json?.to, request.json?.text])).toEqual([
      [ZNS_MAGIC_PHONES.noAccount, 'Shop: ma CART10 giam 10% cho gio hang cua ban'],
    ]);

    const done = await world.journeys.instance(instance!.id);
    expect(done).toMatchObject({ status: 'exited', outcome: { kind: 'exit-node', id: 'done' } });
    expect(done?.path.map((step) => step.node)).toEqual([
      'push',
      'wait-1d',
      'email',
      'wait-another-1d',
      'coupon',
      'done',
    ]);
    expect(await sends(world.storage, 'lan')).toEqual([
      ['push', 'web-push', '2026-03-02T03:00:00.000Z'],
      ['email', 'email', '2026-03-03T04:00:00.000Z'],
      ['coupon', 'sms', '2026-03-04T04:00:00.000Z'],
    ]);
    expect(await enteredAndExited(world.storage, 'lan')).toEqual([
      ['Journey Entered', 'abandoned-cart-full'],
      ['Journey Exited', 'abandoned-cart-full', 'exit-node', 'done'],
    ]);
    // Nothing else reached any provider.
    expect(world.push.received).toHaveLength(1);
    expect(world.smtp.messages).toHaveLength(1);
    expect(world.sms.requests).toHaveLength(1);
  });

  it('an order of the cart mid-wait ends it as a goal, and nothing more is sent', async () => {
    const payload = await abandon();
    await world.advance(HOUR);
    await clickPush(payload);
    await world.advance(DAY); // the email goes
    const [instance] = await world.journeys.instancesOf('lan');
    expect(instance).toMatchObject({ status: 'waiting', node: 'wait-another-1d' });

    await world.advance(6 * HOUR);
    await world.append(track('lan', world.clock.now(), 'Order Completed', { cartId: 'c1', orderId: 'o-1' }));
    await world.settle();
    const done = await world.journeys.instance(instance!.id);
    expect(done).toMatchObject({ status: 'completed', outcome: { kind: 'goal', id: 'ordered' } });
    expect(done?.path.map((step) => step.node)).toEqual(['push', 'wait-1d', 'email', 'wait-another-1d']);

    await world.advance(3 * DAY);
    expect(world.push.received).toHaveLength(1);
    expect(world.smtp.messages.map((mail) => mail.subject)).toEqual(['Bạn còn nhớ Áo dài lụa?']);
    expect(world.zns.requests).toEqual([]);
    expect(world.sms.requests).toEqual([]);
    expect(await enteredAndExited(world.storage, 'lan')).toEqual([
      ['Journey Entered', 'abandoned-cart-full'],
      ['Journey Exited', 'abandoned-cart-full', 'goal', 'ordered'],
    ]);
  });

  it('a push nobody clicks ends the journey when its click window closes', async () => {
    await abandon();
    await world.advance(4 * HOUR);
    const [instance] = await world.journeys.instancesOf('lan');
    expect(instance).toMatchObject({ status: 'exited', outcome: { kind: 'exit-node', id: 'not-clicked' } });
    expect(instance?.path.map((step) => step.node)).toEqual(['push', 'not-clicked']);
    await world.advance(3 * DAY);
    expect(world.push.received).toHaveLength(1);
    expect(world.smtp.messages).toEqual([]);
    expect(world.zns.requests).toEqual([]);
    expect(world.sms.requests).toEqual([]);
    expect(await enteredAndExited(world.storage, 'lan')).toEqual([
      ['Journey Entered', 'abandoned-cart-full'],
      ['Journey Exited', 'abandoned-cart-full', 'exit-node', 'not-clicked'],
    ]);
  });
});
