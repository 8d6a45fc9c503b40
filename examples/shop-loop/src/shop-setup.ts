import { defineTemplate } from '@cx/channels';
import {
  defineJourney,
  defineJourneyMap,
  exit,
  goal,
  message,
  onEvent,
  performed,
  waitFor,
} from '@cx/journey';
import {
  and,
  days,
  defineSegment,
  inLast,
  notPerformed,
  performed as performedEvent,
  trait,
} from '@cx/segments';

/** The segments the engine keeps up to date as events arrive and windows close. */
export const segments = [
  defineSegment({
    id: 'identified',
    name: 'Identified shoppers',
    node: trait({ email: { $exists: true } }),
  }),
  defineSegment({
    id: 'cart-abandoners',
    name: 'Cart abandoners',
    node: and(
      performedEvent('Cart Updated', { window: inLast(days(1)) }),
      notPerformed('Order Completed', { window: inLast(days(1)) }),
    ),
  }),
  defineSegment({
    id: 'buyers',
    name: 'Buyers',
    node: performedEvent('Order Completed'),
  }),
];

const cartEmail = defineTemplate({
  id: 'cart-email',
  channel: 'email',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      subject: '{{ profile.traits.firstName }} ơi, {{ event.properties.productName }} vẫn đang chờ bạn',
      text: [
        'Chào {{ profile.traits.firstName }},',
        '{{ event.properties.productName }} ({{ event.properties.price | money }}) vẫn còn trong giỏ hàng của bạn.',
        'Hoàn tất đơn hàng: https://shop.example/cart/{{ event.properties.cartId }}',
        'Hủy đăng ký: {{ message.links.unsubscribe }}',
      ].join('\n'),
    },
  },
});

const reminderEmail = defineTemplate({
  id: 'cart-reminder',
  channel: 'email',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      subject: 'Nhắc lại: {{ event.properties.productName }} sắp hết hàng',
      text: [
        'Chào {{ profile.traits.firstName }},',
        'Dùng mã {{ data.coupon }} để giảm 10% cho {{ event.properties.productName }}, chỉ còn {{ event.properties.price | times: 0.9 | money }}.',
        'Hủy đăng ký: {{ message.links.unsubscribe }}',
      ].join('\n'),
    },
  },
});

/**
 * The abandoned cart: an hour's grace after the cart changes, an email with the product, a day to
 * order, a reminder with a coupon, another day. An order of the same cart (by `cartId`) ends the
 * instance as a goal at any point, even mid-wait.
 */
export const abandonedCart = defineJourney({
  id: 'abandoned-cart',
  name: 'Abandoned cart',
  entry: onEvent('Cart Updated', {
    where: { cartId: { $exists: true }, productName: { $exists: true }, price: { $gt: 0 } },
    correlation: ['cartId'],
  }),
  start: 'grace',
  nodes: [
    waitFor(
      'grace',
      {
        until: performed('Order Completed', { correlate: { cartId: 'cartId' } }),
        timeout: { hours: 1 },
        onTimeout: 'cart-email',
      },
      'done',
    ),
    message('cart-email', { channels: ['email'], templates: { email: cartEmail } }, 'wait-order'),
    waitFor(
      'wait-order',
      {
        until: performed('Order Completed', { correlate: { cartId: 'cartId' } }),
        timeout: { days: 1 },
        onTimeout: 'reminder',
      },
      'done',
    ),
    message(
      'reminder',
      { channels: ['email'], templates: { email: reminderEmail }, data: { coupon: 'GIOHANG10' } },
      'last-chance',
    ),
    waitFor(
      'last-chance',
      {
        until: performed('Order Completed', { correlate: { cartId: 'cartId' } }),
        timeout: { days: 1 },
        onTimeout: 'done',
      },
      'done',
    ),
    exit('done'),
  ],
  goals: [goal('ordered', performed('Order Completed', { correlate: { cartId: 'cartId' } }))],
  reentry: { mode: 'after-exit' },
  timezone: 'Asia/Ho_Chi_Minh',
});

/** The shop's journey map, stage by stage, each tied to the events that mark it. */
export const shopMap = defineJourneyMap({
  id: 'shop',
  name: 'Online shop',
  stages: [
    {
      id: 'aware',
      name: 'Awareness',
      kind: 'awareness',
      touchpoints: [
        { id: 'category', name: 'Category page', channel: 'web', events: [{ event: 'Product List Viewed' }] },
      ],
    },
    {
      id: 'consider',
      name: 'Consideration',
      kind: 'consideration',
      touchpoints: [
        { id: 'pdp', name: 'Product page', channel: 'web', events: [{ event: 'Product Viewed' }] },
      ],
    },
    {
      id: 'decide',
      name: 'Decision',
      kind: 'decision',
      touchpoints: [
        {
          id: 'cart',
          name: 'Cart',
          channel: 'web',
          events: [{ event: 'Cart Updated' }],
          journeyNodes: [
            { journeyId: 'abandoned-cart', node: 'cart-email' },
            { journeyId: 'abandoned-cart', node: 'reminder' },
          ],
        },
      ],
    },
    {
      id: 'buy',
      name: 'Purchase',
      kind: 'purchase',
      touchpoints: [{ id: 'order', name: 'Order', channel: 'web', events: [{ event: 'Order Completed' }] }],
    },
  ],
});
