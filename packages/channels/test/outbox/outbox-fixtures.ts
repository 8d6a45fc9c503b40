import { ManualClock, memoryStorage, type Storage, seededRandom } from '@cx/core';
import type { ChannelAdapter, ChannelsOptions, TemplateDefinition } from '../../src';
import { createChannels } from '../../src';

export const WS = 'shop';
export const SECRET = 'a-link-secret-of-at-least-thirty-two-characters';

/** A vi-VN abandoned-cart SMS. */
export const cartSms: TemplateDefinition = {
  id: 'cart-sms',
  channel: 'sms',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': { text: 'Chao {{ profile.traits.firstName }}, gio hang cua ban con {{ data.items }} san pham' },
  },
};

/** The same reminder as a Zalo ZNS template. */
export const cartZns: TemplateDefinition = {
  id: 'cart-zns',
  channel: 'zns',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      templateId: '231337',
      templateData: { customer_name: '{{ profile.traits.firstName }}', items: '{{ data.items }}' },
    },
  },
};

/** An in-app notice. */
export const cartInApp: TemplateDefinition = {
  id: 'cart-in-app',
  channel: 'in-app',
  defaultLocale: 'vi-VN',
  variants: { 'vi-VN': { title: 'Giỏ hàng', text: 'Bạn còn {{ data.items }} sản phẩm' } },
};

/** A storage, a manual clock and a channels service over the given adapters. */
export function setup(
  adapters: ChannelAdapter[] | ((clock: ManualClock) => ChannelAdapter[]),
  extra: Partial<ChannelsOptions> = {},
) {
  const clock = new ManualClock('2026-03-02T00:00:00.000Z'); // a Monday, 07:00 in Ho Chi Minh City
  const storage: Storage = memoryStorage({ clock });
  const channels = createChannels({
    storage,
    workspaceId: WS,
    adapters: typeof adapters === 'function' ? adapters(clock) : adapters,
    clock,
    random: seededRandom(7),
    links: { baseUrl: 'https://cx.example.com', secret: SECRET },
    defaults: { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
    ...extra,
  });
  return { clock, storage, channels };
}

/** Creates a profile with the given traits (and a user id, so events carry `userId`). */
export async function person(storage: Storage, id: string, traits: Record<string, unknown>) {
  await storage.profiles.create(WS, { id, identifiers: [{ type: 'user_id', value: `u-${id}` }], traits });
  return id;
}

/** The names of the message events on a profile, in order. */
export async function messageEvents(storage: Storage, profileId: string) {
  const page = await storage.events.listByProfile(WS, { profileIds: [profileId], limit: 1000 });
  return page.items.flatMap((event) =>
    event.type === 'track' && event.event.startsWith('Message ')
      ? [{ name: event.event, properties: (event.properties ?? {}) as Record<string, unknown> }]
      : [],
  );
}
