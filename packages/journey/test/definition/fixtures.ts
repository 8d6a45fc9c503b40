import type { TemplateDefinition } from '@cx/channels';
import {
  branch,
  defineJourney,
  enteredSegment,
  exit,
  exitOn,
  experimentSplit,
  goal,
  inSegment,
  type JourneyDefinition,
  matches,
  message,
  onEvent,
  performed,
  randomSplit,
  updateTrait,
  wait,
  waitFor,
  waitUntilTime,
  webhook,
  when,
} from '../../src/definition';

/** The email of the abandoned cart: the product the cart was updated with, and an unsubscribe link. */
export const cartEmail: TemplateDefinition = {
  id: 'cart-email',
  channel: 'email',
  defaultLocale: 'vi',
  variants: {
    vi: {
      subject:
        '{{ profile.traits.firstName | default: "Bạn" }} ơi, {{ event.properties.productName }} vẫn đang chờ',
      html: '<p>{{ event.properties.productName }}</p><a href="{{ message.links.unsubscribe }}">Huỷ đăng ký</a>',
    },
    en: {
      subject: '{{ event.properties.productName }} is still in your cart',
      text: 'Unsubscribe: {{ message.links.unsubscribe }}',
    },
  },
};

/** Stored templates the journeys refer to by id. */
export const storedTemplates: TemplateDefinition[] = [
  {
    id: 'cart-sms',
    channel: 'sms',
    defaultLocale: 'vi',
    variants: { vi: { text: 'Giỏ hàng của bạn đang chờ. Mã giảm giá: {{ data.coupon }}' } },
  },
  {
    id: 'welcome-email',
    channel: 'email',
    defaultLocale: 'en',
    variants: { en: { subject: 'Welcome, {{ profile.traits.firstName }}', text: 'Glad you are here.' } },
  },
  {
    id: 'tips-pro-email',
    channel: 'email',
    defaultLocale: 'en',
    variants: { en: { subject: 'Pro tips', text: 'Make the most of {{ profile.traits.plan }}.' } },
  },
  {
    id: 'tips-free-email',
    channel: 'email',
    defaultLocale: 'en',
    variants: { en: { subject: 'Tips', text: 'Three things to try today.' } },
  },
  {
    id: 'welcome-in-app',
    channel: 'in-app',
    defaultLocale: 'en',
    variants: { en: { title: 'Your first week', text: 'Here is what is new.' } },
  },
  {
    id: 'nps-email',
    channel: 'email',
    defaultLocale: 'vi',
    variants: {
      vi: { subject: 'Đơn {{ event.properties.orderId }}: bạn thấy thế nào?', text: 'Chấm điểm 0–10.' },
    },
  },
  {
    id: 'nps-zns',
    channel: 'zns',
    defaultLocale: 'vi',
    variants: { vi: { templateId: '231456', templateData: { order_id: '{{ event.properties.orderId }}' } } },
  },
  {
    id: 'nps-sms',
    channel: 'sms',
    defaultLocale: 'vi',
    variants: {
      vi: { text: 'Cảm ơn bạn đã mua đơn {{ event.properties.orderId }}. Chấm điểm: {{ data.surveyUrl }}' },
    },
  },
  {
    id: 'review-email',
    channel: 'email',
    defaultLocale: 'vi',
    variants: {
      vi: { subject: 'Viết đánh giá nhé?', text: 'Cảm ơn {{ profile.traits.firstName | default: "bạn" }}!' },
    },
  },
];

/**
 * The abandoned cart: web push at once; if the same cart is not ordered within a day, an email with
 * the product; a day later a Zalo ZNS message falling back to SMS, with a coupon. Ordering the cart
 * (same cartId) is the goal at any point.
 */
export const abandonedCart: JourneyDefinition = defineJourney({
  id: 'abandoned-cart',
  name: 'Abandoned cart',
  entry: onEvent('Cart Updated', { where: { productName: { $exists: true } }, correlation: ['cartId'] }),
  start: 'push',
  nodes: [
    message(
      'push',
      {
        channels: ['web-push'],
        templates: {
          'web-push': {
            id: 'cart-push',
            channel: 'web-push',
            defaultLocale: 'vi',
            variants: { vi: { title: 'Giỏ hàng đang chờ', text: '{{ event.properties.productName }}' } },
          },
        },
      },
      'wait-order',
    ),
    waitFor(
      'wait-order',
      {
        until: performed('Order Completed', { correlate: { cartId: 'cartId' } }),
        timeout: { days: 1 },
        onTimeout: 'email',
      },
      'done',
    ),
    message('email', { channels: ['email'], templates: { email: cartEmail } }, 'wait-zns'),
    wait('wait-zns', { days: 1 }, 'zns'),
    message(
      'zns',
      {
        channels: ['zns', 'sms'],
        templates: {
          zns: {
            id: 'cart-zns',
            channel: 'zns',
            defaultLocale: 'vi',
            variants: { vi: { templateId: '229871', templateData: { coupon: '{{ data.coupon }}' } } },
          },
          sms: 'cart-sms',
        },
        data: { coupon: 'CART10' },
      },
      'done',
    ),
    exit('done'),
  ],
  goals: [goal('ordered', performed('Order Completed', { correlate: { cartId: 'cartId' } }))],
  exitWhen: [exitOn('unsubscribed', enteredSegment('unsubscribed'))],
  reentry: { mode: 'after-exit', cooldown: { days: 7 } },
  timezone: 'Asia/Ho_Chi_Minh',
});

/** A welcome series: an email at once, tips by plan two days later, an in-app note on a weekday morning. */
export const welcomeSeries: JourneyDefinition = defineJourney({
  id: 'welcome-series',
  entry: onEvent('Signed Up'),
  start: 'welcome',
  nodes: [
    message('welcome', { channels: ['email'], templates: { email: 'welcome-email' } }, 'wait-2d'),
    wait('wait-2d', { days: 2 }, 'by-plan'),
    branch('by-plan', [when(matches({ 'traits.plan': 'pro' }), 'tips-pro')], 'tips-free'),
    message('tips-pro', { channels: ['email'], templates: { email: 'tips-pro-email' } }, 'morning'),
    message('tips-free', { channels: ['email'], templates: { email: 'tips-free-email' } }, 'morning'),
    waitUntilTime('morning', { at: '09:00', weekdays: [1, 2, 3, 4, 5] }, 'in-app'),
    message('in-app', { channels: ['in-app'], templates: { 'in-app': 'welcome-in-app' } }, 'mark'),
    updateTrait('mark', { onboarded: true }, 'done'),
    exit('done'),
  ],
  reentry: { mode: 'once' },
});

/**
 * NPS after a purchase: three days after the order, a survey by email or ZNS (an experiment
 * decides), wait for the answer about that order for a week, and ask promoters for a review.
 */
export const npsAfterPurchase: JourneyDefinition = defineJourney({
  id: 'nps-after-purchase',
  entry: onEvent('Order Completed', { correlation: ['orderId'] }),
  start: 'wait-3d',
  nodes: [
    wait('wait-3d', { days: 3 }, 'holdout'),
    randomSplit('holdout', [
      [95, 'channel-test'],
      [5, 'done'],
    ]),
    experimentSplit('channel-test', 'nps-channel-2026', { email: 'nps-email', zns: 'nps-zns' }, 'nps-email'),
    message(
      'nps-email',
      {
        channels: ['email'],
        templates: { email: 'nps-email' },
        on: { opened: { within: { days: 2 }, next: 'answer' } },
      },
      'answer',
    ),
    message(
      'nps-zns',
      {
        channels: ['zns', 'sms'],
        templates: { zns: 'nps-zns', sms: 'nps-sms' },
        data: { surveyUrl: 'https://shop.example.vn/nps' },
        category: 'transactional',
      },
      'answer',
    ),
    waitFor(
      'answer',
      {
        until: performed('Survey Answered', {
          where: { score: { $gte: 0 } },
          correlate: { orderId: 'orderId' },
        }),
        timeout: { days: 7 },
        onTimeout: 'done',
      },
      'promoter',
    ),
    branch(
      'promoter',
      [
        when(matches({ 'traits.lastNpsScore': { $gte: 9 } }), 'ask-review'),
        when(inSegment('detractors'), 'tell-cs'),
      ],
      'done',
    ),
    message('ask-review', { channels: ['email'], templates: { email: 'review-email' } }, 'done'),
    webhook(
      'tell-cs',
      { url: 'https://cs.example.vn/hooks/detractor', body: { order: '{{ event.properties.orderId }}' } },
      'done',
    ),
    exit('done'),
  ],
  exitWhen: [exitOn('unsubscribed', performed('Unsubscribed'))],
  entryCap: { max: 5000, per: 'day' },
});

/** A deep copy to break, as loaded JSON. */
export const copy = (
  definition: JourneyDefinition,
): Record<string, unknown> & { nodes: Record<string, unknown>[] } =>
  structuredClone(definition) as unknown as Record<string, unknown> & { nodes: Record<string, unknown>[] };
