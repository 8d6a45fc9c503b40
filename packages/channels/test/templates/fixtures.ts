import type { TemplateDefinition, TemplateScope } from '../../src/templates';

/*
 * A typical personalised marketing email of a Vietnamese shop: the person's name, the product
 * they last viewed with its price, their loyalty points, when the points expire, and the
 * unsubscribe link. Vietnamese is the default; English is the second variant.
 */
export const viewedProductEmail: TemplateDefinition = {
  id: 'viewed-product',
  channel: 'email',
  name: 'Viewed product reminder',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      subject: '{{ profile.traits.firstName }} ơi, {{ event.properties.productName }} vẫn chờ bạn',
      html: [
        '<p>Chào {{ profile.traits.firstName }},</p>',
        '<p>{{ event.properties.productName }} chỉ còn {{ event.properties.price | money }}.</p>',
        '<p>Bạn có {{ profile.traits.loyaltyPoints | number }} điểm, hết hạn ngày {{ data.pointsExpireAt | format_date: "long" }}.</p>',
        '<a href="{{ message.links.unsubscribe }}">Hủy đăng ký</a>',
      ].join('\n'),
      text: [
        'Chào {{ traits.firstName }},',
        '{{ event.properties.productName }}: {{ event.properties.price | money }}.',
        'Điểm: {{ profile.traits.loyaltyPoints | number }}, hết hạn {{ data.pointsExpireAt | format_date: "long" }}.',
        'Hủy đăng ký: {{ message.links.unsubscribe }}',
      ].join('\n'),
    },
    en: {
      subject: '{{ profile.traits.firstName }}, {{ event.properties.productName }} is still waiting',
      text: 'Now {{ event.properties.price | money }}. {{ profile.traits.loyaltyPoints | number }} points expire on {{ data.pointsExpireAt | format_date: "long" }}. Unsubscribe: {{ message.links.unsubscribe }}',
    },
  },
};

/** 17:30 UTC on 31 March: already 1 April in Ho Chi Minh City (UTC+7), still 31 March in New York (UTC-4). */
export const EXPIRY = '2026-03-31T17:30:00Z';

export const UNSUBSCRIBE = 'https://cx.example/u?t=abc123&c=email';

export function lanScope(overrides: Partial<TemplateScope> = {}): TemplateScope {
  return {
    profile: { id: 'p-lan', traits: { firstName: 'Lan', loyaltyPoints: 12_500 } },
    event: {
      name: 'Product Viewed',
      properties: { productName: 'Áo dài lụa', price: 1_990_000 },
      timestamp: '2026-03-30T02:00:00Z',
    },
    data: { pointsExpireAt: EXPIRY },
    message: { id: 'm-1', links: { unsubscribe: UNSUBSCRIBE } },
    ...overrides,
  };
}

/** A small email template for the error and cache tests. */
export const welcomeEmail: TemplateDefinition = {
  id: 'welcome-email',
  channel: 'email',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      subject: 'Chào {{ profile.traits.firstName }}',
      html: '<p>Mã: {{ data.coupon }}</p>{% if profile.traits.vip %}<p>{{ data.vipPerk }}</p>{% endif %}',
      text: '{{ profile.traits.firstName }}, mã của bạn: {{ data.coupon }} ({{ event.properties.source }})',
    },
  },
};
