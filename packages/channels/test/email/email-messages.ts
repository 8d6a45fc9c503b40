import type { OutboundMessage } from '../../src/contract/outbound-message';

/** Vietnamese content, so every test also proves UTF-8 survives SMTP and MIME encoding. */
export const VIETNAMESE = {
  subject: 'Xin chào Lan, đơn hàng của bạn đã được gửi',
  text: 'Xin chào Lan, đơn hàng của bạn đang trên đường đến.',
  html: '<html><body><p>Xin chào Lan, đơn hàng của bạn đang trên đường đến.</p></body></html>',
};

/** A transactional email to lan@example.com; `overrides` replace whole top-level fields. */
export function transactionalEmail(id: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id,
    channel: 'email',
    category: 'transactional',
    to: { profileId: 'profile-lan', email: 'lan@example.com' },
    content: { ...VIETNAMESE },
    ...overrides,
  };
}

/** Signed-looking links a real setup would put in a marketing email. */
export const UNSUBSCRIBE = 'https://cx.example/v1/channels/unsubscribe/tok-lan?list=promotions&v=1';
export const PREFERENCES = 'https://cx.example/v1/channels/preferences/tok-lan';

/** A marketing email with one-click unsubscribe and a preference link, whose HTML has links to track. */
export function marketingEmail(id: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return transactionalEmail(id, {
    category: 'marketing',
    topic: 'promotions',
    links: {
      unsubscribe: UNSUBSCRIBE,
      unsubscribeMailto: 'mailto:unsubscribe@shop.vn?subject=unsubscribe',
      preferences: PREFERENCES,
    },
    content: {
      subject: 'Khuyến mãi cuối tuần cho Lan',
      text: 'Giảm 30% cuối tuần này: https://shop.vn/sale',
      html: [
        '<html><body>',
        '<p>Xin chào Lan, đơn hàng của bạn</p>',
        '<a href="https://shop.vn/sale?utm_source=cx&amp;utm_medium=email">Giảm 30%</a>',
        "<a class='btn' href='http://shop.vn/new'>Hàng mới</a>",
        '<a href="mailto:help@shop.vn">Hỗ trợ</a>',
        `<a href="${UNSUBSCRIBE.replace(/&/g, '&amp;')}">Hủy đăng ký</a>`,
        `<a href="${PREFERENCES}">Tùy chọn</a>`,
        '</body></html>',
      ].join('\n'),
    },
    ...overrides,
  });
}
