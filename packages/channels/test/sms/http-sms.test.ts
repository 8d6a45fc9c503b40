import { isCxError, ManualClock } from '@cx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSms, signHttpSmsWebhook } from '../../src/adapters/sms';
import type { ChannelAdapter } from '../../src/contract/channel-adapter';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  WebhookSignatureError,
} from '../../src/errors/delivery-errors';
import { runChannelConformance } from '../../src/testing';
import { type LocalSmsGateway, startLocalSmsGateway } from './local-sms-gateway';
import { rejectionOf, smsMessage } from './sms-fixtures';

/** The gateway's reports are dated 2026-01-01T00:00:00Z unless told otherwise; the clock sits there. */
const REPORT_SECONDS = Date.parse('2026-01-01T00:00:00Z') / 1000;

runChannelConformance({
  name: 'httpSms',
  async open() {
    const gateway = await startLocalSmsGateway();
    const adapter = httpSms({
      url: gateway.url,
      token: gateway.token,
      from: 'ACME',
      webhookSecret: gateway.webhookSecret,
      clock: new ManualClock(REPORT_SECONDS * 1000),
    });
    return {
      adapter,
      message: (id) => smsMessage(id),
      delivered: async () => gateway.delivered(),
      failNext: (kind) => gateway.failNext(kind),
      webhook: {
        valid: (id) => gateway.report(id, 'delivered', { unixSeconds: REPORT_SECONDS }),
        forged: (id) =>
          gateway.report(id, 'delivered', { unixSeconds: REPORT_SECONDS, secret: 'x'.repeat(40) }),
      },
      close: () => gateway.close(),
    };
  },
});

describe('httpSms', () => {
  let gateway: LocalSmsGateway;
  let sms: ChannelAdapter;
  const clock = new ManualClock(REPORT_SECONDS * 1000);
  let serial = 0;
  const nextId = (label: string) => `gw-${label}-${++serial}`;

  beforeAll(async () => {
    gateway = await startLocalSmsGateway();
    sms = httpSms({
      url: gateway.url,
      token: gateway.token,
      from: 'ACME',
      headers: { 'x-tenant': 'acme' },
      webhookSecret: gateway.webhookSecret,
      clock,
    });
  });
  afterAll(() => gateway.close());

  it('posts { id, to, from, text, encoding, segments } with the bearer token and Idempotency-Key', async () => {
    const message = smsMessage(nextId('shape'), '+84912345678', 'a'.repeat(161));
    const result = await sms.send(message);
    const request = gateway.requests.at(-1);
    expect(request?.problem).toBeUndefined();
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      idempotencyKey: message.id,
      status: 202,
    });
    expect(request?.headers.authorization).toBe(`Bearer ${gateway.token}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-tenant']).toBe('acme');
    expect(request?.json).toEqual({
      id: message.id,
      to: '+84912345678',
      from: 'ACME',
      text: 'a'.repeat(161),
      encoding: 'GSM-7',
      segments: 2,
    });
    expect(result).toEqual({
      providerMessageId: expect.stringMatching(/^gw-\d+$/),
      status: 'sent',
      details: { encoding: 'GSM-7', segments: 2 },
    });
    expect(sms.idempotent).toBe(true);
  });

  it('reads the message id at a configured path', async () => {
    const nested = await startLocalSmsGateway({ nestedId: true });
    try {
      const adapter = httpSms({ url: nested.url, token: nested.token, responseId: 'data.messageId' });
      expect((await adapter.send(smsMessage(nextId('nested')))).providerMessageId).toBe('gw-1');
      // Without the path the answer has no id: retrying is safe thanks to the key, so it is retryable.
      const plain = httpSms({ url: nested.url, token: nested.token });
      const error = await rejectionOf(plain.send(smsMessage(nextId('no-id'))));
      expect(error).toBeInstanceOf(ProviderUnavailableError);
    } finally {
      await nested.close();
    }
  });

  it('strips diacritics when told to', async () => {
    const stripping = httpSms({ url: gateway.url, token: gateway.token, stripDiacritics: true });
    const result = await stripping.send(smsMessage(nextId('strip'), undefined, 'Chúc mừng năm mới!'));
    expect(gateway.requests.at(-1)?.json).toMatchObject({
      text: 'Chuc mung nam moi!',
      encoding: 'GSM-7',
      segments: 1,
    });
    expect(gateway.requests.at(-1)?.json).not.toHaveProperty('from');
    expect(result.details).toEqual({ encoding: 'GSM-7', segments: 1 });
  });

  it('returns the first answer for a repeated key, counted once', async () => {
    const message = smsMessage(nextId('again'));
    const first = await sms.send(message);
    const second = await sms.send(message);
    expect(second.providerMessageId).toBe(first.providerMessageId);
    expect(gateway.delivered().filter((id) => id === message.id)).toHaveLength(1);
  });

  it('never sends a number that is not E.164 (ValidationError, no request)', async () => {
    const before = gateway.requests.length;
    const error = await rejectionOf(sms.send(smsMessage(nextId('bad-phone'), '0912 345 678')));
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect(gateway.requests.length).toBe(before);
  });

  it('sorts errors through expectOk: 5xx retryable, 4xx refused, a wrong token refused', async () => {
    gateway.failNext('unavailable');
    expect(await rejectionOf(sms.send(smsMessage(nextId('503'))))).toMatchObject({
      status: 503,
      retryable: true,
    });
    gateway.failNext('rejected');
    const refused = await rejectionOf(sms.send(smsMessage(nextId('400'))));
    expect(refused).toBeInstanceOf(ProviderRejectedError);
    expect(refused).toMatchObject({ status: 400 });
    const wrongToken = httpSms({ url: gateway.url, token: 'wrong' });
    expect(await rejectionOf(wrongToken.send(smsMessage(nextId('401'))))).toMatchObject({
      status: 401,
      retryable: false,
    });
  });

  it('turns a signed report into delivery events, and a batch into several', async () => {
    expect(
      await sms.parseWebhook?.(
        gateway.report('gw-7', 'failed', {
          unixSeconds: REPORT_SECONDS,
          reason: 'EXPIRED',
          at: '2026-01-01T07:00:00+07:00',
        }),
      ),
    ).toEqual([
      {
        type: 'failed',
        providerMessageId: 'gw-7',
        channel: 'sms',
        at: '2026-01-01T00:00:00.000Z',
        providerEventId: 'gw-7:failed',
        reason: 'EXPIRED',
      },
    ]);
    const body = JSON.stringify([
      { id: 'gw-8', status: 'sent', at: '2026-01-01T00:00:00Z' },
      { id: 'gw-8', status: 'delivered', at: '2026-01-01T00:00:05Z' },
    ]);
    const events = await sms.parseWebhook?.({
      method: 'POST',
      url: 'https://cx.example.com/webhooks/sms-gateway',
      headers: { 'x-cx-signature': signHttpSmsWebhook(gateway.webhookSecret, body, REPORT_SECONDS) },
      body,
    });
    expect(events?.map((event) => event.type)).toEqual(['sent', 'delivered']);
  });

  it('enforces the timestamp tolerance against the injected clock', async () => {
    const at = (offset: number) =>
      gateway.report('gw-9', 'delivered', { unixSeconds: REPORT_SECONDS + offset });
    await expect(sms.parseWebhook?.(at(300))).resolves.toHaveLength(1);
    await expect(sms.parseWebhook?.(at(-300))).resolves.toHaveLength(1);
    expect(await rejectionOf(Promise.resolve().then(() => sms.parseWebhook?.(at(301))))).toBeInstanceOf(
      WebhookSignatureError,
    );
    expect(await rejectionOf(Promise.resolve().then(() => sms.parseWebhook?.(at(-301))))).toBeInstanceOf(
      WebhookSignatureError,
    );
    const strict = httpSms({
      url: gateway.url,
      webhookSecret: gateway.webhookSecret,
      toleranceSeconds: 10,
      clock,
    });
    expect(await rejectionOf(Promise.resolve().then(() => strict.parseWebhook?.(at(11))))).toBeInstanceOf(
      WebhookSignatureError,
    );
  });

  it('refuses forged, tampered, unsigned and malformed signatures', async () => {
    const valid = gateway.report('gw-10', 'delivered', { unixSeconds: REPORT_SECONDS });
    const signature = valid.headers['x-cx-signature'] as string;
    const attempts = [
      { ...valid, body: valid.body.replace('delivered', 'failed') },
      { ...valid, headers: {} },
      { ...valid, headers: { 'x-cx-signature': signature.replace(/t=\d+/, `t=${REPORT_SECONDS + 1}`) } },
      { ...valid, headers: { 'x-cx-signature': 'v1=abc' } },
      { ...valid, headers: { 'x-cx-signature': `t=${REPORT_SECONDS},v1=zz` } },
      gateway.report('gw-10', 'delivered', { unixSeconds: REPORT_SECONDS, secret: 'y'.repeat(40) }),
    ];
    for (const attempt of attempts) {
      const error = await rejectionOf(Promise.resolve().then(() => sms.parseWebhook?.(attempt)));
      expect(isCxError(error, 'UNAUTHORIZED')).toBe(true);
    }
    // A rotated secret: the gateway sends two v1 values and one of them is ours.
    const other = gateway.report('gw-10', 'delivered', {
      unixSeconds: REPORT_SECONDS,
      secret: 'y'.repeat(40),
    });
    const both = `${signature},${(other.headers['x-cx-signature'] as string).split(',')[1]}`;
    await expect(sms.parseWebhook?.({ ...valid, headers: { 'x-cx-signature': both } })).resolves.toHaveLength(
      1,
    );
  });

  it('refuses a signed body of the wrong shape with ValidationError', async () => {
    const body = JSON.stringify({ id: 'gw-11', status: 'teleported', at: 'yesterday' });
    const error = await rejectionOf(
      Promise.resolve().then(() =>
        sms.parseWebhook?.({
          method: 'POST',
          url: 'https://cx.example.com/hook',
          headers: { 'x-cx-signature': signHttpSmsWebhook(gateway.webhookSecret, body, REPORT_SECONDS) },
          body,
        }),
      ),
    );
    expect(isCxError(error, 'VALIDATION')).toBe(true);
  });

  it('has no parseWebhook without a secret, and refuses bad options with ConfigError', () => {
    expect(httpSms({ url: gateway.url }).parseWebhook).toBeUndefined();
    for (const options of [
      {},
      { url: 'ftp://gateway.example.com' },
      { url: gateway.url, webhookSecret: 'short' },
      { url: gateway.url, responseId: 'data..id' },
    ]) {
      expect(() => httpSms(options as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    }
  });
});
