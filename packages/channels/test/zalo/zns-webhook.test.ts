import { isCxError, ManualClock } from '@cx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zaloEventSignature, zaloZns } from '../../src/adapters/zalo';
import type { ChannelAdapter, WebhookRequest } from '../../src/contract/channel-adapter';
import { WebhookSignatureError } from '../../src/errors/delivery-errors';
import { rejectionOf } from '../sms/sms-fixtures';
import { type LocalZnsServer, startLocalZnsServer } from './local-zns-server';

describe('zaloZns webhooks', () => {
  let server: LocalZnsServer;
  let zns: ChannelAdapter;
  const clock = new ManualClock('2026-03-01T05:00:00Z');

  /** An OA event signed the way Zalo signs it. */
  const signed = (event: Record<string, unknown>, secret = server.oaSecretKey): WebhookRequest => {
    const body = JSON.stringify({ app_id: server.appId, ...event });
    return {
      method: 'POST',
      url: 'https://cx.example.com/webhooks/zalo',
      headers: {
        'x-zevent-signature': zaloEventSignature(server.appId, body, String(event['timestamp']), secret),
      },
      body,
    };
  };

  beforeAll(async () => {
    server = await startLocalZnsServer();
    zns = zaloZns({
      accessToken: 'zns-token-1',
      baseUrl: server.url,
      appId: server.appId,
      oaSecretKey: server.oaSecretKey,
      clock,
    });
  });
  afterAll(() => server.close());

  it('turns user_received_message into delivered, with the msg_id and the echoed tracking_id', async () => {
    const events = await zns.parseWebhook?.(
      server.receipt('f0e1d2c3', {
        trackingId: 'order-42-shipped',
        deliveryTime: Date.parse('2026-03-01T04:59:58Z'),
      }),
    );
    expect(events).toEqual([
      {
        type: 'delivered',
        providerMessageId: 'f0e1d2c3',
        messageId: 'order-42-shipped',
        channel: 'zns',
        at: '2026-03-01T04:59:58.000Z',
        providerEventId: 'f0e1d2c3:delivered',
      },
    ]);
  });

  it('agrees with the local server on the signature, numeric timestamps included', async () => {
    const receipt = server.receipt('abc');
    const body = JSON.parse(receipt.body) as { timestamp: string };
    expect(receipt.headers['x-zevent-signature']).toBe(
      zaloEventSignature(server.appId, receipt.body, body.timestamp, server.oaSecretKey),
    );
    const numeric = signed({
      event_name: 'user_received_message',
      message: { msg_id: 'n1' },
      timestamp: 1767225600000,
    });
    expect(await zns.parseWebhook?.(numeric)).toMatchObject([
      { providerMessageId: 'n1', at: '2026-01-01T00:00:00.000Z' },
    ]);
  });

  it('gives no delivery event for other OA events, once they are verified', async () => {
    for (const event_name of ['follow', 'user_send_text', 'user_seen_message', 'change_template_status']) {
      expect(await zns.parseWebhook?.(signed({ event_name, timestamp: '1767225600000' }))).toEqual([]);
    }
    const forgedSeen = signed({ event_name: 'user_seen_message', timestamp: '1767225600000' }, 'wrong');
    expect(await rejectionOf(Promise.resolve().then(() => zns.parseWebhook?.(forgedSeen)))).toBeInstanceOf(
      WebhookSignatureError,
    );
  });

  it('refuses forged, tampered, unsigned and unparseable webhooks', async () => {
    const valid = server.receipt('m1');
    const attempts: WebhookRequest[] = [
      server.receipt('m1', { oaSecretKey: 'someone-else' }),
      { ...valid, body: valid.body.replace('"m1"', '"m2"') },
      { ...valid, headers: {} },
      { ...valid, headers: { 'x-zevent-signature': 'mac=1234' } },
      {
        ...valid,
        headers: { 'x-zevent-signature': (valid.headers['x-zevent-signature'] as string).slice(4) },
      },
      { ...valid, body: 'not json' },
      signed({ event_name: 'user_received_message', message: { msg_id: 'm1' } }),
    ];
    for (const attempt of attempts) {
      const error = await rejectionOf(Promise.resolve().then(() => zns.parseWebhook?.(attempt)));
      expect(error).toBeInstanceOf(WebhookSignatureError);
      expect(isCxError(error, 'UNAUTHORIZED')).toBe(true);
    }
  });

  it('has no parseWebhook without appId and oaSecretKey', () => {
    expect(zaloZns({ accessToken: 't' }).parseWebhook).toBeUndefined();
  });
});
