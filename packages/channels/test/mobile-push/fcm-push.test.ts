import { isCxError, ManualClock } from '@cx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fcmPush } from '../../src/adapters/mobile-push';
import type { OutboundMessage } from '../../src/contract/outbound-message';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../src/errors/delivery-errors';
import { fcmErrorBody, type LocalFcm, startLocalFcm } from './support/local-fcm';

let fcm: LocalFcm;
beforeAll(async () => {
  fcm = await startLocalFcm();
});
afterAll(() => fcm.close());

function message(id: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id,
    channel: 'mobile-push',
    category: 'marketing',
    to: { profileId: 'p-1', device: { platform: 'fcm', token: `device-${id}` } },
    content: { title: 'Flash sale', text: '30% off today' },
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

describe('fcmPush', () => {
  const adapter = () => fcmPush({ serviceAccount: fcm.serviceAccount, baseUrl: fcm.origin });

  it('sends the FCM v1 message with string-only data and Android and APNs delivery options', async () => {
    const clock = new ManualClock(Date.now());
    const result = await fcmPush({ serviceAccount: fcm.serviceAccount, baseUrl: fcm.origin, clock }).send(
      message('m-shape', {
        content: {
          title: 'Hi',
          text: 'Body',
          image: 'https://cdn.example/i.png',
          url: 'https://shop.example/o/1',
          data: { orderId: 42, paid: true, tags: ['a'], note: 'plain' },
        },
        push: { ttl: 600, urgency: 'high', topic: 'order-42' },
      }),
    );
    const sent = fcm.received.at(-1);
    expect(fcm.problems).toEqual([]);
    expect(result).toEqual({ providerMessageId: sent?.name, status: 'sent' });
    expect(sent?.message).toEqual({
      token: 'device-m-shape',
      notification: { title: 'Hi', body: 'Body', image: 'https://cdn.example/i.png' },
      data: {
        orderId: '42',
        paid: 'true',
        tags: '["a"]',
        note: 'plain',
        url: 'https://shop.example/o/1',
        cxMessageId: 'm-shape',
      },
      android: { priority: 'high', ttl: '600s', collapse_key: 'order-42' },
      apns: {
        headers: {
          'apns-priority': '10',
          'apns-expiration': String(Math.floor(clock.now() / 1000) + 600),
          'apns-collapse-id': 'order-42',
        },
      },
    });
  });

  it('signs an RS256 assertion the token endpoint verifies, and caches the access token across sends', async () => {
    const push = adapter();
    const before = fcm.assertions.length;
    await Promise.all([1, 2, 3, 4, 5].map((n) => push.send(message(`m-cache-${n}`))));
    await push.send(message('m-cache-6'));
    expect(fcm.assertions.length - before).toBe(1);
    const claims = fcm.assertions.at(-1) as Record<string, number | string>;
    expect(claims).toMatchObject({
      iss: fcm.serviceAccount.client_email,
      scope: 'https://www.googleapis.com/auth/firebase.messaging',
      aud: `${fcm.origin}/token`,
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    expect(new Set(fcm.received.slice(-6).map((each) => each.accessToken)).size).toBe(1);
  });

  it('fetches a new token before the old one expires', async () => {
    const clock = new ManualClock(Date.now());
    const local = await startLocalFcm({ clock });
    try {
      const push = fcmPush({ serviceAccount: local.serviceAccount, baseUrl: local.origin, clock });
      await push.send(message('m-expiry-1'));
      // The token lasts 3599 s; it is kept until 300 s before that.
      clock.advance((3599 - 300) * 1000 - 1);
      await push.send(message('m-expiry-2'));
      expect(local.assertions).toHaveLength(1);
      clock.advance(1);
      await push.send(message('m-expiry-3'));
      expect(local.assertions).toHaveLength(2);
      expect(local.problems).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('on a 401 fetches a new token once and retries the send', async () => {
    const push = adapter();
    await push.send(message('m-401-warm'));
    const tokens = fcm.assertions.length;
    fcm.revokeAccessTokens();
    await push.send(message('m-401'));
    expect(fcm.assertions.length).toBe(tokens + 1);
    expect(fcm.received.at(-1)?.message.data?.cxMessageId).toBe('m-401');
  });

  it('gives up after one retry when the new token is refused too', async () => {
    const push = adapter();
    await push.send(message('m-401-twice-warm'));
    fcm.revokeAccessTokens();
    fcm.failNext(401, fcmErrorBody(401, 'UNAUTHENTICATED', 'no'));
    const before = fcm.sendRequests();
    const error = await failure(push.send(message('m-401-twice')));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(fcm.sendRequests() - before).toBe(2);
  });

  it('reports UNREGISTERED and an invalid registration token as subscription-expired', async () => {
    fcm.unregister('device-m-unregistered');
    const gone = await failure(adapter().send(message('m-unregistered')));
    expect(gone).toBeInstanceOf(RecipientUnreachableError);
    expect((gone as RecipientUnreachableError).reason).toBe('subscription-expired');
    expect((gone as RecipientUnreachableError).providerCode).toBe('UNREGISTERED');
    const invalid = await failure(
      adapter().send(
        message('m-invalid', { to: { profileId: 'p', device: { platform: 'fcm', token: 'not-a-token-1' } } }),
      ),
    );
    expect((invalid as RecipientUnreachableError).reason).toBe('subscription-expired');
  });

  it('sorts the other failures: INVALID_ARGUMENT elsewhere is rejected; 429, 500 and 503 are retryable', async () => {
    fcm.failNext(
      400,
      fcmErrorBody(400, 'INVALID_ARGUMENT', 'Invalid data key', 'INVALID_ARGUMENT', 'message.data'),
    );
    expect(await failure(adapter().send(message('m-400')))).toBeInstanceOf(ProviderRejectedError);
    fcm.failNext(403, fcmErrorBody(403, 'PERMISSION_DENIED', 'SenderId mismatch', 'SENDER_ID_MISMATCH'));
    const mismatch = await failure(adapter().send(message('m-403')));
    expect(mismatch).toBeInstanceOf(ProviderRejectedError);
    expect((mismatch as ProviderRejectedError).providerCode).toBe('SENDER_ID_MISMATCH');
    fcm.failNext(429, fcmErrorBody(429, 'RESOURCE_EXHAUSTED', 'quota', 'QUOTA_EXCEEDED'), {
      'retry-after': '60',
    });
    const quota = await failure(adapter().send(message('m-429')));
    expect(quota).toBeInstanceOf(ProviderUnavailableError);
    expect((quota as ProviderUnavailableError).retryAfterMs).toBe(60_000);
    fcm.failNext(500, fcmErrorBody(500, 'INTERNAL', 'internal'));
    expect(await failure(adapter().send(message('m-500')))).toBeInstanceOf(ProviderUnavailableError);
  });

  it('reports refused credentials at the token endpoint as rejected, and an unreachable one as unavailable', async () => {
    const stranger = await startLocalFcm();
    const wrongKey = fcmPush({
      serviceAccount: { ...fcm.serviceAccount, private_key: stranger.serviceAccount.private_key },
      baseUrl: fcm.origin,
    });
    expect(await failure(wrongKey.send(message('m-bad-key')))).toBeInstanceOf(ProviderRejectedError);
    await stranger.close();
    const offline = fcmPush({
      serviceAccount: { ...stranger.serviceAccount, token_uri: stranger.serviceAccount.token_uri },
      baseUrl: stranger.origin,
    });
    expect(await failure(offline.send(message('m-offline')))).toBeInstanceOf(ProviderUnavailableError);
    expect(await failure(offline.verify?.() ?? Promise.resolve())).toBeInstanceOf(ProviderUnavailableError);
  });

  it('refuses an APNs device and a message without title or text before any request', async () => {
    const before = fcm.sendRequests();
    const apnsDevice = message('m-apns', {
      to: { profileId: 'p', device: { platform: 'apns', token: 'abc' } },
    });
    expect(isCxError(await failure(adapter().send(apnsDevice)), 'VALIDATION')).toBe(true);
    expect(isCxError(await failure(adapter().send(message('m-empty', { content: {} }))), 'VALIDATION')).toBe(
      true,
    );
    expect(fcm.sendRequests()).toBe(before);
  });

  it.each([
    [
      'a key that is not RSA',
      { private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' },
    ],
    ['a missing client_email', { client_email: undefined }],
    ['a bad project id', { project_id: 'Not A Project' }],
  ])('refuses a service account with %s (ConfigError)', (_what, override) => {
    const error = (() => {
      try {
        fcmPush({ serviceAccount: { ...fcm.serviceAccount, ...override } as never });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isCxError(error, 'CONFIG')).toBe(true);
  });
});
