import { isCxError, ManualClock } from '@cx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { generateVapidKeys, webPush } from '../../src/adapters/web-push';
import type { OutboundMessage, PushSubscription } from '../../src/contract/outbound-message';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../src/errors/delivery-errors';
import { type LocalPushService, startPushService } from './support/local-push-service';

const keys = generateVapidKeys();
const vapid = { subject: 'mailto:ops@example.com', ...keys };
let service: LocalPushService;

beforeAll(async () => {
  service = await startPushService({ vapidPublicKey: keys.publicKey });
});
afterAll(() => service.close());

function message(
  id: string,
  subscription: PushSubscription,
  extra: Partial<OutboundMessage> = {},
): OutboundMessage {
  return {
    id,
    channel: 'web-push',
    category: 'marketing',
    to: { profileId: 'p-1', pushSubscription: subscription },
    content: { title: 'Flash sale', text: '30% off today', url: 'https://shop.example/sale', icon: '/i.png' },
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the send to fail');
}

describe('webPush', () => {
  const adapter = () => webPush({ vapid, allowInsecureEndpoints: true });

  it('encrypts the payload for the subscription and sends the VAPID, TTL, Urgency and Topic headers', async () => {
    const subscription = service.subscribe();
    const result = await adapter().send(
      message('m-headers', subscription, {
        content: { title: 'Hi', text: 'Body', image: '/big.png', data: { orderId: 42 } },
        push: { ttl: 600, urgency: 'high', topic: 'order-42' },
      }),
    );
    const push = service.received.at(-1);
    expect(service.problems).toEqual([]);
    expect(result).toEqual({
      providerMessageId: `${service.origin}/messages/${service.received.length}`,
      status: 'sent',
    });
    expect(push?.subscriptionId).toBe(subscription.endpoint.split('/').pop());
    expect(push?.payload).toEqual({
      title: 'Hi',
      body: 'Body',
      image: '/big.png',
      data: { orderId: 42 },
      id: 'm-headers',
    });
    expect(push?.headers).toMatchObject({
      ttl: '600',
      urgency: 'high',
      topic: 'order-42',
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
    });
    expect(push?.claims.aud).toBe(service.origin);
    expect(push?.claims.sub).toBe('mailto:ops@example.com');
  });

  it('defaults TTL to the adapter option and leaves Urgency and Topic out when unset', async () => {
    await webPush({ vapid, allowInsecureEndpoints: true, ttl: 86_400 }).send(
      message('m-defaults', service.subscribe()),
    );
    const push = service.received.at(-1);
    expect(push?.headers.ttl).toBe('86400');
    expect(push?.headers.urgency).toBeUndefined();
    expect(push?.headers.topic).toBeUndefined();
    expect(push?.payload).toEqual({
      title: 'Flash sale',
      body: '30% off today',
      url: 'https://shop.example/sale',
      icon: '/i.png',
      id: 'm-defaults',
    });
  });

  it('reuses one VAPID token for the push service until it nears expiry', async () => {
    const clock = new ManualClock(Date.now());
    const local = await startPushService({ vapidPublicKey: keys.publicKey, clock });
    try {
      const push = webPush({ vapid, allowInsecureEndpoints: true, clock });
      for (const n of [1, 2, 3]) await push.send(message(`m-cache-${n}`, local.subscribe()));
      clock.advance(11 * 3600 * 1000);
      await push.send(message('m-cache-4', local.subscribe()));
      const tokens = local.received.map((each) => each.authorization);
      expect(new Set(tokens.slice(0, 3)).size).toBe(1);
      expect(tokens[3]).not.toBe(tokens[0]);
      expect(local.problems).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('calls onSubscriptionExpired and fails as subscription-expired when the service answers 410', async () => {
    const expired: { subscription: PushSubscription; id: string }[] = [];
    const push = webPush({
      vapid,
      allowInsecureEndpoints: true,
      onSubscriptionExpired: async (subscription, sent) => {
        expired.push({ subscription, id: sent.id });
      },
    });
    const subscription = service.subscribe();
    service.retire(subscription);
    const error = await failure(push.send(message('m-gone', subscription)));
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect((error as RecipientUnreachableError).reason).toBe('subscription-expired');
    expect((error as RecipientUnreachableError).status).toBe(410);
    expect(expired).toEqual([{ subscription, id: 'm-gone' }]);
  });

  it('treats 404 as an expired subscription too, and keeps a failing hook as the cause', async () => {
    const hookError = new Error('database down');
    const push = webPush({
      vapid,
      allowInsecureEndpoints: true,
      onSubscriptionExpired: async () => {
        throw hookError;
      },
    });
    service.failNext(404);
    const error = (await failure(
      push.send(message('m-404', service.subscribe())),
    )) as RecipientUnreachableError;
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(error.reason).toBe('subscription-expired');
    expect(error.cause).toBe(hookError);
  });

  it('reports 413 as a refusal and 429 as retryable with Retry-After', async () => {
    service.failNext(413);
    expect(await failure(adapter().send(message('m-413', service.subscribe())))).toBeInstanceOf(
      ProviderRejectedError,
    );
    service.failNext(429, { 'retry-after': '30' });
    const busy = await failure(adapter().send(message('m-429', service.subscribe())));
    expect(busy).toBeInstanceOf(ProviderUnavailableError);
    expect((busy as ProviderUnavailableError).retryAfterMs).toBe(30_000);
  });

  it('refuses a payload over 4096 encrypted bytes before sending', async () => {
    const before = service.requests();
    const big = message('m-big', service.subscribe(), { content: { title: 'x', text: 'y'.repeat(3990) } });
    const error = await failure(adapter().send(big));
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect(service.requests()).toBe(before);
    const fits = message('m-fits', service.subscribe(), { content: { title: 'x', text: 'y'.repeat(3900) } });
    await adapter().send(fits);
    expect(service.received.at(-1)?.payload.id).toBe('m-fits');
  });

  it('refuses malformed subscription keys and http endpoints before sending', async () => {
    const before = service.requests();
    const subscription = service.subscribe();
    const badKey = { ...subscription, keys: { ...subscription.keys, p256dh: 'AAAA' } };
    const badKeyError = await failure(adapter().send(message('m-bad-key', badKey)));
    expect(isCxError(badKeyError, 'VALIDATION')).toBe(true);
    const strict = webPush({ vapid });
    const insecure = await failure(strict.send(message('m-http', service.subscribe())));
    expect(isCxError(insecure, 'VALIDATION')).toBe(true);
    expect(service.requests()).toBe(before);
  });

  it('refuses a push whose VAPID key is not the one the subscription was made with (the local service is strict)', async () => {
    const stranger = webPush({
      vapid: { subject: 'mailto:x@example.com', ...generateVapidKeys() },
      allowInsecureEndpoints: true,
    });
    expect(await failure(stranger.send(message('m-stranger', service.subscribe())))).toBeInstanceOf(
      ProviderRejectedError,
    );
    expect(service.problems.pop()).toMatch(/^403/);
  });

  it('accepts what the web-push library sends (the local service is independent of the adapter)', async () => {
    const subscription = service.subscribe();
    const request = webpush.generateRequestDetails(subscription, JSON.stringify({ id: 'from-web-push' }), {
      vapidDetails: vapid,
      TTL: 60,
      topic: 'lib',
    });
    const response = await fetch(request.endpoint, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
      ),
      body: request.body as Buffer,
    });
    expect(response.status).toBe(201);
    expect(service.received.at(-1)?.payload).toEqual({ id: 'from-web-push' });
  });
});
