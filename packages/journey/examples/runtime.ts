import { createChannels } from '@cx/channels';
import { createInbox, inAppChannel } from '@cx/channels/in-app';
import { ManualClock, memoryStorage, normalizeEvent, withProfileId } from '@cx/core';
import { createJourneys, defineJourney, exit, goal, message, onEvent, performed, waitFor } from '@cx/journey';

// One process on the in-memory adapter, on a clock we move by hand (use sqliteStorage or
// postgresStorage and the system clock in production; several processes may share PostgreSQL).
const clock = new ManualClock('2026-12-03T03:00:00Z');
const storage = memoryStorage({ clock });
const inbox = createInbox({ storage, workspaceId: 'shop', clock });
const channels = createChannels({ storage, workspaceId: 'shop', clock, adapters: [inAppChannel({ inbox })] });
const journeys = createJourneys({ storage, workspaceId: 'shop', clock, channels });

const inApp = (id: string, title: string, text: string) => ({
  channels: ['in-app' as const],
  category: 'transactional' as const,
  templates: {
    'in-app': {
      id,
      channel: 'in-app' as const,
      defaultLocale: 'vi-VN',
      variants: { 'vi-VN': { title, text } },
    },
  },
});
await journeys.publish(
  defineJourney({
    id: 'abandoned-cart',
    entry: onEvent('Cart Updated', { where: { productName: { $exists: true } }, correlation: ['cartId'] }),
    start: 'nudge',
    nodes: [
      message(
        'nudge',
        inApp('cart-nudge', 'Giỏ hàng đang chờ', '{{ event.properties.productName }}'),
        'wait-order',
      ),
      waitFor(
        'wait-order',
        {
          until: performed('Order Completed', { correlate: { cartId: 'cartId' } }),
          timeout: { days: 1 },
          onTimeout: 'reminder',
        },
        'done',
      ),
      message('reminder', inApp('cart-reminder', 'Còn nhớ giỏ hàng?', 'Mã CART10 giảm 10%'), 'done'),
      exit('done'),
    ],
    goals: [goal('ordered', performed('Order Completed', { correlate: { cartId: 'cartId' } }))],
  }),
);

await storage.profiles.create('shop', { id: 'lan', traits: { firstName: 'Lan' } });
const track = (event: string, properties: Record<string, unknown>) =>
  withProfileId(
    normalizeEvent(
      { type: 'track', event, userId: 'u-lan', properties, timestamp: new Date(clock.now()).toISOString() },
      { receivedAt: clock.now() },
    ),
    'lan',
  );
const dispatcher = channels.dispatcher();
const settle = async () => {
  await journeys.drain(); // the event consumer and the timer worker, until idle
  await dispatcher.drain(); // the outbox
};

await storage.events.append('shop', [track('Cart Updated', { cartId: 'c1', productName: 'Áo dài lụa' })]);
await settle();
clock.advance(86_400_000); // a day without an order: the reminder goes
await settle();
const received = (await inbox.list('lan')).items.map((each) => `${each.title}: ${each.text}`).reverse();
console.log(received.join(' | '));
// Giỏ hàng đang chờ: Áo dài lụa | Còn nhớ giỏ hàng?: Mã CART10 giảm 10%
const [instance] = await journeys.instancesOf('lan');
console.log(instance?.status, instance?.path.map((step) => step.node).join(' → '));
// exited nudge → wait-order → reminder → done  (ended by the exit node; an order of cart c1 would end it as a goal)
