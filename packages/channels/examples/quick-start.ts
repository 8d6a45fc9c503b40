import { createChannels } from '@cx/channels';
import { createInbox, inAppChannel } from '@cx/channels/in-app';
import { memoryStorage } from '@cx/core';

// A workspace on the in-memory adapter; use sqliteStorage or postgresStorage to keep it.
const storage = memoryStorage();
const inbox = createInbox({ storage, workspaceId: 'shop' });
const channels = createChannels({
  storage,
  workspaceId: 'shop',
  adapters: [inAppChannel({ inbox })],
  topics: [{ id: 'promotions', name: 'Khuyến mãi' }],
  pressure: {
    rules: [
      { id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'hold' },
      { id: 'two-a-day', kind: 'cap', max: 2, per: 'day' },
    ],
  },
  defaults: { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
});

await storage.profiles.create('shop', {
  id: 'lan',
  traits: { firstName: 'Lan', points: 12500, timezone: 'Asia/Ho_Chi_Minh' },
});

// One message, exactly once per source + step + profile: running this twice queues it once.
const { messageId } = await channels.send({
  source: 'journey:abandoned-cart@1',
  step: 'reminder',
  profileId: 'lan',
  channels: ['in-app'],
  category: 'transactional',
  templates: {
    'in-app': {
      id: 'cart-reminder',
      channel: 'in-app',
      defaultLocale: 'vi-VN',
      variants: {
        'vi-VN': {
          title: 'Chào {{ profile.traits.firstName }}!',
          text: 'Giỏ hàng của bạn còn {{ data.items }} sản phẩm, tổng {{ data.total | money }}. Bạn có {{ profile.traits.points | number }} điểm.',
        },
      },
    },
  },
  data: { items: 2, total: 2310000 },
});

await channels.dispatcher().drain(); // or .start() to deliver in the background
const record = await channels.message(messageId);
console.log(
  record?.status,
  record?.history.map((turn) => turn.outcome),
);
// delivered [ 'sent' ]  (in-app messages are delivered the moment they are in the inbox)
const { items } = await inbox.list('lan');
console.log(items[0]?.title, '|', items[0]?.text);
// Chào Lan! | Giỏ hàng của bạn còn 2 sản phẩm, tổng 2.310.000 ₫. Bạn có 12.500 điểm.
console.log(await channels.contactSummary('lan'));
// { total: 1, byChannel: { 'in-app': 1 }, … }
