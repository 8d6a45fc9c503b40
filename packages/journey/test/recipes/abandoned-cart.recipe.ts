import type { TemplateDefinition } from '@cx/channels';
import { defineJourney, exit, goal, message, onEvent, performed, wait } from '../../src/definition';

const cartPush: TemplateDefinition = {
  id: 'cart-push',
  channel: 'web-push',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      title: 'Giỏ hàng của bạn',
      text: '{{ data.entry.productName }} đang chờ bạn',
      url: 'https://shop.example/cart/{{ data.entry.cartId }}',
    },
  },
};

const cartEmail: TemplateDefinition = {
  id: 'cart-email',
  channel: 'email',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      subject: 'Bạn còn nhớ {{ data.entry.productName }}?',
      html: '<p>{{ data.entry.productName }} vẫn còn trong giỏ hàng.</p><a href="https://shop.example/cart/{{ data.entry.cartId }}">Thanh toán</a><a href="{{ message.links.unsubscribe }}">Hủy đăng ký</a>',
    },
  },
};

const cartZns: TemplateDefinition = {
  id: 'cart-zns',
  channel: 'zns',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      templateId: '231337',
      templateData: { customer_name: '{{ profile.traits.firstName }}', coupon: '{{ data.coupon }}' },
    },
  },
};

const cartSms: TemplateDefinition = {
  id: 'cart-sms',
  channel: 'sms',
  defaultLocale: 'vi-VN',
  variants: { 'vi-VN': { text: 'Shop: ma {{ data.coupon }} giam 10% cho gio hang cua ban' } },
};

/**
 * The abandoned cart, the full version: a web push at once; people who click it and do not buy
 * within a day get an email about the product, and a day later a Zalo ZNS coupon (SMS when they
 * have no Zalo account). People who never click the push leave when its click window closes. An
 * order of the same cart ends the instance as a goal whenever it comes.
 */
export const abandonedCartFull = defineJourney({
  id: 'abandoned-cart-full',
  name: 'Abandoned cart (push, email, ZNS or SMS)',
  entry: onEvent('Cart Updated', { where: { productName: { $exists: true } }, correlation: ['cartId'] }),
  start: 'push',
  nodes: [
    message(
      'push',
      {
        channels: ['web-push'],
        templates: { 'web-push': cartPush },
        on: { clicked: { within: { hours: 4 }, next: 'wait-1d' } },
      },
      'not-clicked',
    ),
    wait('wait-1d', { days: 1 }, 'email'),
    message('email', { channels: ['email'], templates: { email: cartEmail } }, 'wait-another-1d'),
    wait('wait-another-1d', { days: 1 }, 'coupon'),
    message(
      'coupon',
      { channels: ['zns', 'sms'], templates: { zns: cartZns, sms: cartSms }, data: { coupon: 'CART10' } },
      'done',
    ),
    exit('not-clicked'),
    exit('done'),
  ],
  goals: [goal('ordered', performed('Order Completed', { correlate: { cartId: 'cartId' } }))],
  reentry: { mode: 'after-exit' },
  timezone: 'Asia/Ho_Chi_Minh',
});
