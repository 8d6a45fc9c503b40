import { afterEach, describe, expect, it } from 'vitest';
import { createLinkSigner, type TemplateDefinition, WebhookSignatureError } from '../../src';
import { smtpEmail } from '../../src/adapters/email';
import { httpSms } from '../../src/adapters/sms';
import { trackingLinks } from '../../src/links/tracking-links';
import { type LocalSmtpServer, startLocalSmtpServer } from '../email/local-smtp-server';
import { type LocalSmsGateway, startLocalSmsGateway } from '../sms/local-sms-gateway';
import { cartSms, messageEvents, person, SECRET, setup } from './outbox-fixtures';

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((each) => each.close()));
});

const newsletter: TemplateDefinition = {
  id: 'newsletter',
  channel: 'email',
  defaultLocale: 'vi-VN',
  variants: {
    'vi-VN': {
      subject: 'Ưu đãi cho {{ profile.traits.firstName }}',
      html: '<html><body><p>Xem <a href="https://shop.example/sale">ưu đãi</a></p><a href="{{ message.links.unsubscribe }}">Hủy đăng ký</a></body></html>',
    },
  },
};

describe('delivery events', () => {
  it('believes a signed provider webhook, records Message Delivered once, and refuses a forged one', async () => {
    const gateway: LocalSmsGateway = await startLocalSmsGateway();
    closers.push(gateway);
    const { clock, storage, channels } = setup((clock) => [
      httpSms({
        id: 'gateway',
        url: gateway.url,
        token: gateway.token,
        webhookSecret: gateway.webhookSecret,
        clock,
      }),
    ]);
    await person(storage, 'lan', { firstName: 'Lan', phone: '+84912345678' });
    const { messageId } = await channels.send({
      source: 'orders',
      step: 'shipped',
      profileId: 'lan',
      category: 'transactional',
      channels: ['sms'],
      templates: { sms: cartSms },
      data: { items: 1 },
    });
    await channels.dispatcher().drain();
    const providerId = (await channels.message(messageId))?.providerMessageId as string;

    clock.advance(60_000);
    const at = new Date(clock.now()).toISOString();
    const unixSeconds = Math.floor(clock.now() / 1000);
    const forged = gateway.report(providerId, 'delivered', { at, unixSeconds, secret: 'x'.repeat(40) });
    await expect(channels.handleWebhook('gateway', forged)).rejects.toBeInstanceOf(WebhookSignatureError);
    expect((await messageEvents(storage, 'lan')).map((event) => event.name)).toEqual(['Message Sent']);

    const report = gateway.report(providerId, 'delivered', { at, unixSeconds });
    expect(await channels.handleWebhook('gateway', report)).toEqual({ recorded: 1, unknown: 0 });
    expect(await channels.handleWebhook('gateway', report)).toEqual({ recorded: 1, unknown: 0 }); // retried by the provider
    expect((await messageEvents(storage, 'lan')).map((event) => event.name)).toEqual([
      'Message Sent',
      'Message Delivered',
    ]);
    expect(await channels.message(messageId)).toMatchObject({ status: 'delivered' });
    expect(
      await channels.handleWebhook(
        'gateway',
        gateway.report('someone-elses', 'delivered', { at, unixSeconds }),
      ),
    ).toEqual({
      recorded: 0,
      unknown: 1,
    });
  });

  it('suppresses the channel after a hard bounce, so even transactional mail stops', async () => {
    const gateway: LocalSmsGateway = await startLocalSmsGateway();
    closers.push(gateway);
    const { clock, storage, channels } = setup((clock) => [
      httpSms({
        id: 'gateway',
        url: gateway.url,
        token: gateway.token,
        webhookSecret: gateway.webhookSecret,
        clock,
      }),
    ]);
    await person(storage, 'lan', { firstName: 'Lan', phone: '+84912345678' });
    const send = (step: string) =>
      channels.send({
        source: 'orders',
        step,
        profileId: 'lan',
        category: 'transactional',
        channels: ['sms'],
        templates: { sms: cartSms },
        data: { items: 1 },
      });
    const first = await send('a');
    await channels.dispatcher().drain();
    const providerId = (await channels.message(first.messageId))?.providerMessageId as string;
    await channels.handleWebhook(
      'gateway',
      gateway.report(providerId, 'bounced', {
        reason: 'number unknown',
        at: new Date(clock.now()).toISOString(),
        unixSeconds: Math.floor(clock.now() / 1000),
      }),
    );
    // The generic gateway's bounces are hard; the person's SMS is suppressed.
    const preferences = (await channels.preferences.get('lan')).preferences;
    expect(preferences.channels.sms?.suppressed).toMatchObject({ reason: 'hard-bounce', source: 'webhook' });
    const second = await send('b');
    await channels.dispatcher().drain();
    expect(await channels.message(second.messageId)).toMatchObject({
      status: 'suppressed',
      decision: { rule: 'suppressed' },
    });
    expect(gateway.delivered()).toEqual([first.messageId]);
  });

  it('records opens and clicks from signed tracking links, and unsubscribes with one click', async () => {
    const smtp: LocalSmtpServer = await startLocalSmtpServer();
    closers.push(smtp);
    const signer = createLinkSigner({ secret: SECRET });
    const { storage, channels } = setup([
      smtpEmail({
        smtp: { host: '127.0.0.1', port: smtp.port, pool: false },
        from: 'Shop <shop@example.com>',
        tracking: { links: trackingLinks('https://cx.example.com', signer, 'shop') },
      }),
    ]);
    await person(storage, 'lan', { firstName: 'Lan', email: 'lan@example.com' });
    const { messageId } = await channels.send({
      source: 'campaign:tet',
      step: 'wave-1',
      profileId: 'lan',
      channels: ['email'],
      topic: undefined,
      templates: { email: newsletter },
    });
    await channels.dispatcher().drain();
    const mail = smtp.messages[0];
    const html = String(mail?.html);
    const click = /https:\/\/cx\.example\.com\/v1\/channels\/click\/([^"]+)/.exec(html)?.[1] as string;
    const open = /https:\/\/cx\.example\.com\/v1\/channels\/open\/([^"]+)/.exec(html)?.[1] as string;
    const unsubscribe = /\/v1\/channels\/unsubscribe\/([^">]+)/.exec(html)?.[1] as string;
    expect(click && open && unsubscribe).toBeTruthy();

    await channels.trackOpen(open);
    await channels.trackOpen(open); // an image loaded twice is one open
    expect(await channels.trackClick(click)).toBe('https://shop.example/sale');
    await expect(channels.trackClick(`${click.slice(0, -2)}xx`)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await channels.message(messageId)).toMatchObject({ status: 'clicked' });

    await expect(channels.unsubscribe(`${unsubscribe}x`)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await channels.unsubscribe(unsubscribe)).toEqual({ profileId: 'lan', channel: 'email' });
    expect((await messageEvents(storage, 'lan')).map((event) => event.name)).toEqual([
      'Message Sent',
      'Message Opened',
      'Message Clicked',
      'Message Unsubscribed',
    ]);
    const next = await channels.send({
      source: 'campaign:tet',
      step: 'wave-2',
      profileId: 'lan',
      channels: ['email'],
      templates: { email: newsletter },
    });
    await channels.dispatcher().drain();
    expect(await channels.message(next.messageId)).toMatchObject({
      status: 'suppressed',
      decision: { rule: 'unsubscribed-channel' },
    });
    expect(smtp.messages).toHaveLength(1);
  });
});
