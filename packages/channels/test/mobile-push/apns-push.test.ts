import { generateKeyPairSync } from 'node:crypto';
import { isCxError, ManualClock } from '@cx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApnsPushOptions, apnsId, apnsPush } from '../../src/adapters/mobile-push';
import type { ChannelAdapter } from '../../src/contract/channel-adapter';
import type { OutboundMessage } from '../../src/contract/outbound-message';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../src/errors/delivery-errors';
import { deviceToken } from './support/apns-harness';
import { type LocalApns, startLocalApns } from './support/local-apns';

let apns: LocalApns;
const open: ChannelAdapter[] = [];
beforeAll(async () => {
  apns = await startLocalApns();
});
afterAll(async () => {
  await Promise.all(open.map((adapter) => adapter.close?.()));
  await apns.close();
});

function adapterFor(server: LocalApns, extra: Partial<ApnsPushOptions> = {}): ChannelAdapter {
  const adapter = apnsPush({
    teamId: server.teamId,
    keyId: server.keyId,
    signingKey: server.signingKey,
    topic: server.topic,
    origin: server.origin,
    ...extra,
  });
  open.push(adapter);
  return adapter;
}

function message(id: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id,
    channel: 'mobile-push',
    category: 'marketing',
    to: { profileId: 'p-1', device: { platform: 'apns', token: deviceToken(id) } },
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

describe('apnsId', () => {
  it('is the version 5 UUID of urn:cx:message:<id> in the URL namespace (as Python computes it)', () => {
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, 'urn:cx:message:order-42:shipped:p-1'))"
    expect(apnsId('order-42:shipped:p-1')).toBe('52e4f06a-a6f9-52f1-ad7b-e1d5cc90b6ec');
    expect(apnsId('order-42:shipped:p-1')).toBe(apnsId('order-42:shipped:p-1'));
    expect(apnsId('order-43:shipped:p-1')).not.toBe(apnsId('order-42:shipped:p-1'));
  });
});

describe('apnsPush', () => {
  it('sends the alert with the provider token, topic, priority, expiry, collapse id and apns-id', async () => {
    const clock = new ManualClock(Date.now());
    const adapter = adapterFor(apns, { clock });
    const result = await adapter.send(
      message('m-shape', {
        topic: 'order-updates',
        content: {
          title: 'Hi',
          text: 'Body',
          url: 'https://shop.example/o/1',
          data: { orderId: 42, aps: 'ignored' },
        },
        push: { ttl: 600, urgency: 'high', topic: 'order-42' },
      }),
    );
    const sent = apns.received.at(-1);
    expect(apns.problems).toEqual([]);
    expect(result).toEqual({ providerMessageId: apnsId('m-shape').toUpperCase(), status: 'sent' });
    expect(sent?.deviceToken).toBe(deviceToken('m-shape'));
    expect(sent?.headers).toMatchObject({
      'apns-topic': apns.topic,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-expiration': String(Math.floor(clock.now() / 1000) + 600),
      'apns-collapse-id': 'order-42',
      'apns-id': apnsId('m-shape'),
    });
    expect(sent?.payload).toEqual({
      aps: { alert: { title: 'Hi', body: 'Body' }, 'thread-id': 'order-updates' },
      orderId: 42,
      url: 'https://shop.example/o/1',
      cxMessageId: 'm-shape',
    });
  });

  it('sends at priority 5 without expiry or collapse id when the message has no push options', async () => {
    await adapterFor(apns).send(message('m-plain'));
    const headers = apns.received.at(-1)?.headers;
    expect(headers?.['apns-priority']).toBe('5');
    expect(headers?.['apns-expiration']).toBeUndefined();
    expect(headers?.['apns-collapse-id']).toBeUndefined();
  });

  it('keeps one HTTP/2 connection for many sends, and reconnects when APNs closes it', async () => {
    const server = await startLocalApns();
    try {
      const adapter = adapterFor(server);
      await Promise.all(Array.from({ length: 10 }, (_, n) => adapter.send(message(`m-reuse-${n}`))));
      for (const n of [10, 11, 12]) await adapter.send(message(`m-reuse-${n}`));
      expect(server.received).toHaveLength(13);
      expect(server.connections()).toBe(1);
      // The next send may race the GOAWAY: a refused stream is sent again on a new connection.
      server.dropConnections();
      await adapter.send(message('m-reuse-after-drop'));
      expect(server.connections()).toBe(2);
      await adapter.close?.();
      await adapter.send(message('m-reuse-after-close'));
      expect(server.connections()).toBe(3);
      expect(server.problems).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('reuses the provider token for 50 minutes, then signs a new one', async () => {
    const clock = new ManualClock(Date.now());
    const server = await startLocalApns({ clock });
    try {
      const adapter = adapterFor(server, { clock });
      await adapter.send(message('m-token-1'));
      clock.advance(50 * 60 * 1000 - 1);
      await adapter.send(message('m-token-2'));
      clock.advance(1);
      await adapter.send(message('m-token-3'));
      const [one, two, three] = server.received.map((each) => each.jwt);
      expect(two).toBe(one);
      expect(three).not.toBe(one);
      expect(server.problems).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('on 403 ExpiredProviderToken signs a new token once and retries', async () => {
    const adapter = adapterFor(apns);
    await adapter.send(message('m-expired-warm'));
    const old = apns.received.at(-1)?.jwt;
    apns.expireProviderTokens();
    const before = apns.requests();
    await Promise.all([adapter.send(message('m-expired-1')), adapter.send(message('m-expired-2'))]);
    const retried = apns.received.slice(-2).map((each) => each.jwt);
    expect(retried[0]).not.toBe(old);
    expect(retried[1]).toBe(retried[0]);
    expect(apns.requests() - before).toBe(4);
  });

  it('reports 410 Unregistered and 400 BadDeviceToken as subscription-expired', async () => {
    apns.unregister(deviceToken('m-gone'));
    const gone = (await failure(adapterFor(apns).send(message('m-gone')))) as RecipientUnreachableError;
    expect(gone).toBeInstanceOf(RecipientUnreachableError);
    expect(gone.reason).toBe('subscription-expired');
    expect(gone.providerCode).toBe('Unregistered');
    const bad = message('m-bad-token', {
      to: { profileId: 'p', device: { platform: 'apns', token: 'xyz' } },
    });
    const badError = (await failure(adapterFor(apns).send(bad))) as RecipientUnreachableError;
    expect(badError.reason).toBe('subscription-expired');
    expect(badError.providerCode).toBe('BadDeviceToken');
  });

  it.each([
    [429, 'TooManyRequests'],
    [500, 'InternalServerError'],
    [503, 'ServiceUnavailable'],
  ])('reports %i %s as retryable', async (status, reason) => {
    apns.failNext(status, reason);
    const error = (await failure(adapterFor(apns).send(message(`m-${status}`)))) as ProviderUnavailableError;
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.providerCode).toBe(reason);
  });

  it('reports other refusals as rejected with the reason, InvalidProviderToken included', async () => {
    apns.failNext(400, 'DeviceTokenNotForTopic');
    const topic = (await failure(adapterFor(apns).send(message('m-topic')))) as ProviderRejectedError;
    expect(topic).toBeInstanceOf(ProviderRejectedError);
    expect(topic.providerCode).toBe('DeviceTokenNotForTopic');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const stranger = adapterFor(apns, {
      signingKey: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    });
    const forged = (await failure(stranger.send(message('m-forged')))) as ProviderRejectedError;
    expect(forged).toBeInstanceOf(ProviderRejectedError);
    expect(forged.providerCode).toBe('InvalidProviderToken');
    apns.problems.length = 0;
  });

  it('reports an unreachable APNs as retryable, from send and from verify', async () => {
    const server = await startLocalApns();
    await server.close();
    const adapter = adapterFor(server);
    expect(await failure(adapter.send(message('m-offline')))).toBeInstanceOf(ProviderUnavailableError);
    expect(await failure(adapter.verify?.() ?? Promise.resolve())).toBeInstanceOf(ProviderUnavailableError);
  });

  it('refuses a payload over 4096 bytes and an FCM device before any request', async () => {
    const before = apns.requests();
    const big = message('m-big', { content: { title: 'x', text: 'y'.repeat(4100) } });
    expect(isCxError(await failure(adapterFor(apns).send(big)), 'VALIDATION')).toBe(true);
    const fcm = message('m-fcm', { to: { profileId: 'p', device: { platform: 'fcm', token: 'abc' } } });
    expect(isCxError(await failure(adapterFor(apns).send(fcm)), 'VALIDATION')).toBe(true);
    expect(apns.requests()).toBe(before);
  });

  it.each([
    [
      'an RSA key',
      {
        signingKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
          format: 'pem',
          type: 'pkcs8',
        }) as string,
      },
    ],
    ['a team id that is not 10 characters', { teamId: 'TEAM' }],
    ['an origin that is not a URL', { origin: 'api.push.apple.com' }],
  ])('refuses %s with a ConfigError', (_what, override) => {
    const error = (() => {
      try {
        apnsPush({
          teamId: apns.teamId,
          keyId: apns.keyId,
          signingKey: apns.signingKey,
          topic: apns.topic,
          ...override,
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isCxError(error, 'CONFIG')).toBe(true);
  });
});
