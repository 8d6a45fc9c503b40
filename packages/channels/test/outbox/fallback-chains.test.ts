import { afterEach, describe, expect, it } from 'vitest';
import type { TemplateDefinition } from '../../src';
import { smtpEmail } from '../../src/adapters/email';
import { httpSms } from '../../src/adapters/sms';
import { generateVapidKeys, webPush } from '../../src/adapters/web-push';
import { zaloZns } from '../../src/adapters/zalo';
import { type LocalSmtpServer, startLocalSmtpServer } from '../email/local-smtp-server';
import { type LocalSmsGateway, startLocalSmsGateway } from '../sms/local-sms-gateway';
import { type LocalPushService, startPushService } from '../web-push/support/local-push-service';
import { type LocalZnsServer, startLocalZnsServer, ZNS_MAGIC_PHONES } from '../zalo/local-zns-server';
import { cartSms, cartZns, messageEvents, person, setup } from './outbox-fixtures';

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((each) => each.close()));
});
const started = <T extends { close(): Promise<void> }>(service: T) => {
  closers.push(service);
  return service;
};

const pushNotice: TemplateDefinition = {
  id: 'order-push',
  channel: 'web-push',
  defaultLocale: 'vi-VN',
  variants: { 'vi-VN': { title: 'Đơn hàng {{ data.order }}', text: 'Đang giao đến bạn' } },
};
const emailNotice: TemplateDefinition = {
  id: 'order-email',
  channel: 'email',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': { subject: 'Đơn hàng {{ data.order }}', text: 'Xin chào {{ profile.traits.firstName }}' },
  },
};

describe('fallback chains', () => {
  it('falls back from Zalo ZNS to SMS when the number has no Zalo account, and stays on ZNS when it has one', async () => {
    const zns: LocalZnsServer = started(await startLocalZnsServer());
    const gateway: LocalSmsGateway = started(await startLocalSmsGateway());
    const { storage, channels } = setup([
      zaloZns({ baseUrl: zns.url, accessToken: 'zns-token-1' }),
      httpSms({ id: 'gateway', url: gateway.url, token: gateway.token }),
    ]);
    await person(storage, 'no-zalo', { firstName: 'Lan', phone: ZNS_MAGIC_PHONES.noAccount });
    await person(storage, 'on-zalo', { firstName: 'Minh', phone: '+84912345678' });
    const send = (profileId: string) =>
      channels.send({
        source: 'journey:abandoned-cart@1',
        step: 'coupon',
        profileId,
        channels: ['zns', 'sms'],
        templates: { zns: cartZns, sms: cartSms },
        data: { items: 2 },
      });
    const fallen = await send('no-zalo');
    const stayed = await send('on-zalo');
    await channels.dispatcher().drain();

    expect(zns.delivered()).toEqual([stayed.messageId]);
    expect(
      zns.requests.find((request) => request.json?.tracking_id === stayed.messageId)?.json,
    ).toMatchObject({
      phone: '84912345678',
      template_id: '231337',
      template_data: { customer_name: 'Minh', items: '2' },
    });
    expect(gateway.delivered()).toEqual([fallen.messageId]);
    const record = await channels.message(fallen.messageId);
    expect(record).toMatchObject({ status: 'sent', sentOn: 'sms', provider: 'gateway' });
    expect(record?.history).toEqual([
      expect.objectContaining({ channel: 'zns', outcome: 'fallback', rule: 'no-account', provider: 'zns' }),
      expect.objectContaining({ channel: 'sms', outcome: 'sent' }),
    ]);
    expect(await messageEvents(storage, 'no-zalo')).toEqual([
      { name: 'Message Sent', properties: expect.objectContaining({ channel: 'sms' }) },
    ]);
    // Only the send that happened counts against the person.
    expect(await channels.contactSummary('no-zalo')).toMatchObject({ total: 1, byChannel: { sms: 1 } });
  });

  it('falls back from web push to email when the subscription has expired, and forgets the subscription', async () => {
    const keys = generateVapidKeys();
    const push: LocalPushService = started(await startPushService({ vapidPublicKey: keys.publicKey }));
    const smtp: LocalSmtpServer = started(await startLocalSmtpServer());
    const { storage, channels } = setup(
      [
        webPush({ vapid: { subject: 'mailto:ops@example.com', ...keys }, allowInsecureEndpoints: true }),
        smtpEmail({
          smtp: { host: '127.0.0.1', port: smtp.port, pool: false },
          from: 'Shop <shop@example.com>',
        }),
      ],
      { allowInsecurePushEndpoints: true },
    );
    await person(storage, 'p1', { firstName: 'Lan', email: 'lan@example.com' });
    const live = push.subscribe();
    const gone = push.subscribe();
    await channels.devices.addPushSubscription('p1', live);
    await channels.devices.addPushSubscription('p1', gone); // the newest is used first
    push.retire(gone);

    const order = (step: string) =>
      channels.send({
        source: 'orders',
        step,
        profileId: 'p1',
        category: 'transactional',
        channels: ['web-push', 'email'],
        templates: { 'web-push': pushNotice, email: emailNotice },
        data: { order: 'A-1001' },
      });
    const first = await order('shipped');
    await channels.dispatcher().drain();
    expect(push.received).toEqual([]);
    expect(smtp.messages.map((mail) => mail.subject)).toEqual(['Đơn hàng A-1001']);
    expect((await channels.message(first.messageId))?.history).toEqual([
      expect.objectContaining({ channel: 'web-push', outcome: 'fallback', rule: 'subscription-expired' }),
      expect.objectContaining({ channel: 'email', outcome: 'sent' }),
    ]);
    // The expired subscription is gone; the next message reaches the browser that still listens.
    expect(
      (await channels.devices.get('p1')).devices.webPush.map((each) => each.subscription.endpoint),
    ).toEqual([live.endpoint]);
    const second = await order('delivered');
    await channels.dispatcher().drain();
    expect(push.received.map((each) => each.payload.id)).toEqual([second.messageId]);
    expect(push.received[0]?.payload.title).toBe('Đơn hàng A-1001');
    expect(smtp.messages).toHaveLength(1);
  });
});
