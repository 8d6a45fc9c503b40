import type { TemplateDefinition } from '@cx/channels';

/** A typical personalised marketing email: name, last viewed products with prices, points, an expiry date. */
export const PROMO_EMAIL: TemplateDefinition = {
  id: 'bench-promo',
  channel: 'email',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      subject: '{{ profile.traits.firstName }} ơi, {{ data.products.size }} sản phẩm bạn xem đang giảm giá',
      html: `<html><body><h1>Chào {{ profile.traits.firstName }} {{ profile.traits.lastName }}</h1>
<p>Bạn có {{ profile.traits.points | number }} điểm thưởng, hết hạn ngày {{ data.expiresAt | format_date: 'long' }}.</p>
<table>{% for product in data.products %}<tr><td><a href="{{ product.url }}">{{ product.name }}</a></td><td>{{ product.price | money }}</td></tr>{% endfor %}</table>
<p>Mã giảm giá: <b>{{ data.coupon }}</b></p>
<a href="{{ message.links.unsubscribe }}">Hủy đăng ký</a></body></html>`,
      text: `Chào {{ profile.traits.firstName }}, bạn có {{ profile.traits.points | number }} điểm. Mã: {{ data.coupon }}`,
    },
  },
};

/** The SMS of the HTTP dispatch benchmark. */
export const PROMO_SMS: TemplateDefinition = {
  id: 'bench-sms',
  channel: 'sms',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': { text: 'Chao {{ profile.traits.firstName }}, ma giam gia {{ data.coupon }} het han hom nay' },
  },
};

/** The person and data the templates are rendered with. */
export const SCOPE = {
  profile: {
    id: 'p1',
    traits: { firstName: 'Lan', lastName: 'Nguyễn', points: 12_500, email: 'lan@example.com' },
  },
  data: {
    coupon: 'TET2027',
    expiresAt: '2027-02-10T16:59:59.000Z',
    products: [
      { name: 'Áo dài lụa', price: 1_990_000, url: 'https://shop.example/p/1' },
      { name: 'Nón lá', price: 150_000, url: 'https://shop.example/p/2' },
      { name: 'Guốc gỗ', price: 320_000, url: 'https://shop.example/p/3' },
    ],
  },
  message: { id: 'msg_1', links: { unsubscribe: 'https://cx.example.com/v1/channels/unsubscribe/t' } },
};
