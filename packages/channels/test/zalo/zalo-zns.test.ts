import { isCxError, ManualClock } from '@cx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZNS_ERROR_CODES, zaloZns } from '../../src/adapters/zalo';
import { msUntilVietnamHour, vietnamHour } from '../../src/adapters/zalo/vietnam-time';
import type { ChannelAdapter } from '../../src/contract/channel-adapter';
import type { OutboundMessage } from '../../src/contract/outbound-message';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../src/errors/delivery-errors';
import { runChannelConformance } from '../../src/testing';
import { rejectionOf } from '../sms/sms-fixtures';
import { type LocalZnsServer, startLocalZnsServer, ZNS_MAGIC_PHONES } from './local-zns-server';

function znsMessage(id: string, phone = '+84912345678'): OutboundMessage {
  return {
    id,
    channel: 'zns',
    category: 'transactional',
    to: { profileId: `profile-${id}`, phone },
    content: {
      templateId: '231455',
      templateData: { order_code: 'A42', customer_name: 'Nguyễn Văn An', total: 250000 },
    },
  };
}

runChannelConformance({
  name: 'zaloZns',
  async open() {
    const server = await startLocalZnsServer({ accessTokens: ['conformance-token'] });
    const adapter = zaloZns({
      accessToken: 'conformance-token',
      baseUrl: server.url,
      appId: server.appId,
      oaSecretKey: server.oaSecretKey,
    });
    return {
      adapter,
      message: (id) => znsMessage(id),
      delivered: async () => server.delivered(),
      failNext: (kind) => server.failNext(kind),
      unreachable: (id) => znsMessage(id, ZNS_MAGIC_PHONES.noAccount),
      webhook: {
        valid: (msgId) => server.receipt(msgId),
        forged: (msgId) => server.receipt(msgId, { oaSecretKey: 'not-the-oa-secret' }),
      },
      close: () => server.close(),
    };
  },
});

describe('zaloZns', () => {
  let server: LocalZnsServer;
  let zns: ChannelAdapter;
  // 12:00 in Hanoi.
  const clock = new ManualClock('2026-03-01T05:00:00Z');
  let serial = 0;
  const nextId = (label: string) => `zns-${label}-${++serial}`;

  beforeAll(async () => {
    server = await startLocalZnsServer({ accessTokens: ['token-a'] });
    zns = zaloZns({ accessToken: 'token-a', baseUrl: server.url, clock });
  });
  afterAll(() => server.close());

  it('posts phone (84…, no +), template_id, template_data and tracking_id with the access_token header', async () => {
    const message = znsMessage(nextId('shape'));
    const result = await zns.send(message);
    const request = server.requests.at(-1);
    expect(request?.problem).toBeUndefined();
    expect(request).toMatchObject({ method: 'POST', path: '/message/template', accessToken: 'token-a' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual({
      phone: '84912345678',
      template_id: '231455',
      template_data: { order_code: 'A42', customer_name: 'Nguyễn Văn An', total: 250000 },
      tracking_id: message.id,
    });
    expect(result).toEqual({
      providerMessageId: expect.stringMatching(/^[0-9a-f]{32}$/),
      status: 'sent',
      details: { remainingQuota: expect.any(Number) },
    });
    expect(server.delivered()).toContain(message.id);
    // tracking_id is only echoed by Zalo, never deduped on.
    expect(zns.idempotent).toBeUndefined();
  });

  it("passes Zalo's development mode through", async () => {
    const development = zaloZns({ accessToken: 'token-a', baseUrl: server.url, mode: 'development' });
    await development.send(znsMessage(nextId('dev')));
    expect(server.requests.at(-1)?.json).toMatchObject({ mode: 'development' });
  });

  it('never calls Zalo for an invalid phone or a message without template id or data (ValidationError)', async () => {
    const before = server.requests.length;
    const badPhone = await rejectionOf(zns.send(znsMessage(nextId('phone'), '0912345678')));
    expect(isCxError(badPhone, 'VALIDATION')).toBe(true);
    const noData = znsMessage(nextId('no-data'));
    const error = await rejectionOf(zns.send({ ...noData, content: { templateId: '231455' } }));
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual([
      'content.templateData',
    ]);
    const noTemplate = await rejectionOf(zns.send({ ...noData, content: { text: 'hello' } }));
    expect((noTemplate as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual([
      'content.templateId',
      'content.templateData',
    ]);
    expect(server.requests.length).toBe(before);
  });

  it('reports no Zalo account (-118) and no ZNS (-119) as no-account, so SMS takes over', async () => {
    for (const [phone, code] of [
      [ZNS_MAGIC_PHONES.noAccount, -118],
      [ZNS_MAGIC_PHONES.cannotReceive, -119],
    ] as const) {
      const error = await rejectionOf(zns.send(znsMessage(nextId('unreachable'), phone)));
      expect(error).toBeInstanceOf(RecipientUnreachableError);
      expect(error).toMatchObject({ reason: 'no-account', providerCode: code, retryable: false });
    }
    const invalid = await rejectionOf(zns.send(znsMessage(nextId('invalid'), ZNS_MAGIC_PHONES.invalid)));
    expect(invalid).toMatchObject({ reason: 'invalid-address', providerCode: -108 });
  });

  it('sorts Zalo codes: waits that help are retryable, the rest are refusals with the code', async () => {
    const outcome = async (failure: Parameters<LocalZnsServer['failNext']>[0]) => {
      server.failNext(failure);
      return rejectionOf(zns.send(znsMessage(nextId('code'))));
    };
    expect(await outcome('unavailable')).toMatchObject({ status: 500, retryable: true });
    expect(await outcome({ status: 429 })).toBeInstanceOf(ProviderUnavailableError);
    expect(await outcome('rejected')).toMatchObject({ providerCode: -112, retryable: false });
    expect(await outcome({ error: -32 })).toMatchObject({
      providerCode: -32,
      retryable: true,
      retryAfterMs: undefined,
    });
    expect(await outcome({ error: -100 })).toMatchObject({ providerCode: -100, retryable: true });
    expect(await outcome({ error: -115 })).toBeInstanceOf(ProviderRejectedError);
    expect(await outcome({ error: -131 })).toMatchObject({ providerCode: -131, retryable: false });
    const unknown = await outcome({ error: -999, message: 'something new' });
    expect(unknown).toBeInstanceOf(ProviderRejectedError);
    expect(unknown).toMatchObject({ providerCode: -999, status: 200 });
  });

  it('waits for midnight in Vietnam after a daily quota error, and for 06:00 after a quiet-hours one', async () => {
    // 12:00 in Hanoi: the daily quota resets in 12 hours; quiet hours are not on, so no guess.
    server.failNext({ error: -144 });
    expect(await rejectionOf(zns.send(znsMessage(nextId('quota'))))).toMatchObject({
      providerCode: -144,
      retryAfterMs: 12 * 3_600_000,
    });
    server.failNext({ error: -133 });
    expect(await rejectionOf(zns.send(znsMessage(nextId('noon'))))).toMatchObject({
      retryAfterMs: undefined,
    });

    const night = new ManualClock('2026-03-01T16:30:00Z'); // 23:30 in Hanoi
    const atNight = zaloZns({ accessToken: 'token-a', baseUrl: server.url, clock: night });
    server.failNext({ error: -133 });
    const quiet = await rejectionOf(atNight.send(znsMessage(nextId('night'))));
    expect(quiet).toBeInstanceOf(ProviderUnavailableError);
    expect(quiet).toMatchObject({ providerCode: -133, retryAfterMs: 6.5 * 3_600_000 });
    server.failNext({ error: -147 });
    expect(await rejectionOf(atNight.send(znsMessage(nextId('template-quota'))))).toMatchObject({
      retryAfterMs: 0.5 * 3_600_000,
    });
  });

  it('keeps -118 and -119 as no-account in the code table', () => {
    expect(ZNS_ERROR_CODES.get(-118)).toMatchObject({ kind: 'unreachable', reason: 'no-account' });
    expect(ZNS_ERROR_CODES.get(-119)).toMatchObject({ kind: 'unreachable', reason: 'no-account' });
    expect(ZNS_ERROR_CODES.get(-124)?.kind).toBe('token');
  });

  it('verify() reads the quota with the token', async () => {
    await expect(zns.verify?.()).resolves.toBeUndefined();
    expect(server.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/message/quota',
      accessToken: 'token-a',
    });
    const stale = zaloZns({ accessToken: 'revoked', baseUrl: server.url });
    expect(await rejectionOf(stale.verify?.() ?? Promise.resolve())).toMatchObject({ providerCode: -124 });
  });

  it('refuses bad options with ConfigError', () => {
    for (const options of [
      {},
      { accessToken: '' },
      { accessToken: 42 },
      { accessToken: 't', refreshAccessToken: 'not a function' },
      { accessToken: 't', appId: '123' },
      { accessToken: 't', baseUrl: 'nope' },
    ]) {
      expect(() => zaloZns(options as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    }
  });
});

describe('zaloZns token refresh', () => {
  let server: LocalZnsServer;
  beforeAll(async () => {
    server = await startLocalZnsServer({ accessTokens: [] });
  });
  afterAll(() => server.close());

  /** A refresh hook that hands out `prefix-1`, `prefix-2`, … and makes the server accept each. */
  function refresher(prefix: string) {
    const hook = async () => {
      hook.calls += 1;
      const token = `${prefix}-${hook.calls}`;
      server.acceptToken(token);
      return token;
    };
    hook.calls = 0;
    return hook;
  }

  it('on -124 refreshes once, retries once, and keeps the new token for later sends', async () => {
    server.acceptToken('expired');
    const refresh = refresher('fresh');
    const zns = zaloZns({ accessToken: 'expired', refreshAccessToken: refresh, baseUrl: server.url });
    server.revokeToken('expired');
    const from = server.requests.length;
    const result = await zns.send(znsMessage('refresh-1'));
    expect(result.providerMessageId).toMatch(/^[0-9a-f]{32}$/);
    await zns.send(znsMessage('refresh-2'));
    expect(refresh.calls).toBe(1);
    expect(
      server.requests.slice(from).map((request) => [request.accessToken, request.answered.error]),
    ).toEqual([
      ['expired', -124],
      ['fresh-1', 0],
      ['fresh-1', 0],
    ]);
    expect(server.delivered().filter((id) => id.startsWith('refresh-'))).toEqual(['refresh-1', 'refresh-2']);
  });

  it('shares one refresh among concurrent sends that all met -124', async () => {
    server.acceptToken('shared-old');
    const refresh = refresher('shared');
    const zns = zaloZns({ accessToken: 'shared-old', refreshAccessToken: refresh, baseUrl: server.url });
    server.revokeToken('shared-old');
    const ids = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'];
    await Promise.all(ids.map((id) => zns.send(znsMessage(id))));
    expect(refresh.calls).toBe(1);
    expect(
      server
        .delivered()
        .filter((id) => id.startsWith('c-'))
        .sort(),
    ).toEqual(ids);
  });

  it('asks an accessToken function again on each send, after the refresh too', async () => {
    const store = { token: 'store-old' };
    server.acceptToken('store-old');
    let reads = 0;
    const refresh = async () => {
      store.token = 'store-new';
      server.acceptToken('store-new');
      return store.token;
    };
    const zns = zaloZns({
      accessToken: async () => {
        reads += 1;
        return store.token;
      },
      refreshAccessToken: refresh,
      baseUrl: server.url,
    });
    server.revokeToken('store-old');
    const from = server.requests.length;
    await zns.send(znsMessage('store-1'));
    await zns.send(znsMessage('store-2'));
    expect(reads).toBe(2);
    expect(server.requests.slice(from).map((request) => request.accessToken)).toEqual([
      'store-old',
      'store-new',
      'store-new',
    ]);
  });

  it('gives up after one retry when the new token is refused too', async () => {
    const refresh = async () => {
      refresh.calls += 1;
      return 'also-invalid';
    };
    refresh.calls = 0;
    const zns = zaloZns({ accessToken: 'never-valid', refreshAccessToken: refresh, baseUrl: server.url });
    const from = server.requests.length;
    const error = await rejectionOf(zns.send(znsMessage('give-up')));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ providerCode: -124 });
    expect(refresh.calls).toBe(1);
    expect(server.requests.length - from).toBe(2);
  });

  it('without a hook, -124 is a refusal after one request', async () => {
    const zns = zaloZns({ accessToken: 'never-valid', baseUrl: server.url });
    const from = server.requests.length;
    const error = await rejectionOf(zns.send(znsMessage('no-hook')));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ providerCode: -124, retryable: false });
    expect(server.requests.length - from).toBe(1);
  });

  it('a hook that fails is retryable, and the next send refreshes again', async () => {
    let fail = true;
    const zns = zaloZns({
      accessToken: 'never-valid',
      refreshAccessToken: async () => {
        if (fail) throw new Error('oauth.zaloapp.com unreachable');
        server.acceptToken('recovered');
        return 'recovered';
      },
      baseUrl: server.url,
    });
    expect(await rejectionOf(zns.send(znsMessage('hook-fails')))).toBeInstanceOf(ProviderUnavailableError);
    fail = false;
    await expect(zns.send(znsMessage('hook-recovers'))).resolves.toMatchObject({ status: 'sent' });
  });
});

describe('vietnam time', () => {
  it('counts to the next hour on the clock in Hanoi (UTC+7, no daylight saving)', () => {
    expect(vietnamHour(Date.parse('2026-01-01T16:00:00Z'))).toBe(23);
    expect(msUntilVietnamHour(Date.parse('2026-01-01T16:00:00Z'), 0)).toBe(3_600_000);
    expect(msUntilVietnamHour(Date.parse('2026-01-01T17:00:00Z'), 0)).toBe(24 * 3_600_000);
    expect(msUntilVietnamHour(Date.parse('2026-01-01T20:00:00Z'), 6)).toBe(3 * 3_600_000);
    expect(msUntilVietnamHour(Date.parse('2026-07-01T16:00:00Z'), 6)).toBe(7 * 3_600_000);
  });
});
