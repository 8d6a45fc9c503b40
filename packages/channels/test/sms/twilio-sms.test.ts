import { isCxError, ManualClock } from '@cx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature, twilioSms } from '../../src/adapters/sms';
import type { ChannelAdapter } from '../../src/contract/channel-adapter';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
  WebhookSignatureError,
} from '../../src/errors/delivery-errors';
import { runChannelConformance } from '../../src/testing';
import { type LocalTwilioServer, startLocalTwilioServer, TWILIO_MAGIC_NUMBERS } from './local-twilio-server';
import { rejectionOf, smsMessage } from './sms-fixtures';

const FROM = '+15005550006';
const CALLBACK = 'https://cx.example.com/webhooks/twilio';

runChannelConformance({
  name: 'twilioSms',
  async open() {
    const server = await startLocalTwilioServer();
    const adapter = twilioSms({
      accountSid: server.accountSid,
      authToken: server.authToken,
      from: FROM,
      baseUrl: server.url,
      statusCallback: CALLBACK,
    });
    return {
      adapter,
      message: (id) => smsMessage(id),
      delivered: async () => server.delivered(),
      failNext: (kind) => server.failNext(kind),
      unreachable: (id) => smsMessage(id, TWILIO_MAGIC_NUMBERS.invalid),
      webhook: {
        valid: (sid) => server.statusCallback(sid, 'delivered'),
        forged: (sid) => server.statusCallback(sid, 'delivered', { authToken: 'not-the-auth-token' }),
      },
      close: () => server.close(),
    };
  },
});

describe('twilioSms', () => {
  let server: LocalTwilioServer;
  let sms: ChannelAdapter;
  const clock = new ManualClock('2026-03-01T08:00:00Z');
  let serial = 0;
  const nextId = (label: string) => `twilio-${label}-${++serial}`;

  beforeAll(async () => {
    server = await startLocalTwilioServer();
    sms = twilioSms({
      accountSid: server.accountSid,
      authToken: server.authToken,
      from: FROM,
      baseUrl: `${server.url}/`,
      statusCallback: CALLBACK,
      clock,
    });
  });
  afterAll(() => server.close());

  it('posts the form Twilio expects, with Basic auth and the idempotency token', async () => {
    const message = smsMessage(nextId('shape'));
    const result = await sms.send(message);
    const request = server.requests.at(-1);
    expect(request).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${server.accountSid}/Messages.json`,
      idempotencyKey: message.id,
      status: 201,
      form: { To: '+84912345678', From: FROM, Body: 'Mã OTP của bạn là 123456', StatusCallback: CALLBACK },
    });
    expect(request?.problem).toBeUndefined();
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${server.accountSid}:${server.authToken}`).toString('base64')}`,
    );
    expect(result).toEqual({
      providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      status: 'sent',
      details: { encoding: 'UCS-2', segments: 1 },
    });
    expect(sms.idempotent).toBe(true);
  });

  it('sends through a Messaging Service instead of a From number', async () => {
    const viaService = twilioSms({
      accountSid: server.accountSid,
      authToken: server.authToken,
      messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
      baseUrl: server.url,
    });
    await viaService.send(smsMessage(nextId('service')));
    const { form, problem } = server.requests.at(-1) ?? {};
    expect(problem).toBeUndefined();
    expect(form).toEqual({
      To: '+84912345678',
      Body: 'Mã OTP của bạn là 123456',
      MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
    });
  });

  it('strips Vietnamese diacritics when told to, and reports the encoding and parts it sent', async () => {
    const stripping = twilioSms({
      accountSid: server.accountSid,
      authToken: server.authToken,
      from: FROM,
      baseUrl: server.url,
      stripDiacritics: true,
    });
    const text = 'Cảm ơn quý khách! Đơn hàng #42 đã được giao thành công. Mã giảm giá cho lần sau: ƯUĐÃI42.';
    const kept = await sms.send(smsMessage(nextId('kept'), undefined, text));
    expect(kept.details).toEqual({ encoding: 'UCS-2', segments: 2 });
    const stripped = await stripping.send(smsMessage(nextId('stripped'), undefined, text));
    expect(server.requests.at(-1)?.form['Body']).toBe(
      'Cam on quy khach! Don hang #42 da duoc giao thanh cong. Ma giam gia cho lan sau: UUDAI42.',
    );
    expect(stripped.details).toEqual({ encoding: 'GSM-7', segments: 1 });
  });

  it('returns the first message for a repeated idempotency token, counted once', async () => {
    const message = smsMessage(nextId('again'));
    const first = await sms.send(message);
    const second = await sms.send(message);
    expect(second.providerMessageId).toBe(first.providerMessageId);
    expect(server.delivered().filter((id) => id === message.id)).toHaveLength(1);
    expect(server.requests.at(-1)?.replayed).toBe(true);
  });

  it('never sends a number that is not E.164 (ValidationError, no request)', async () => {
    const before = server.requests.length;
    for (const phone of ['0912345678', '84912345678', '+84 912 345 678']) {
      const error = await rejectionOf(sms.send(smsMessage(nextId('bad-phone'), phone)));
      expect(isCxError(error, 'VALIDATION')).toBe(true);
    }
    expect(server.requests.length).toBe(before);
  });

  it('sorts Twilio errors: unreachable numbers, refusals with their code, outages', async () => {
    const invalid = await rejectionOf(sms.send(smsMessage(nextId('21211'), TWILIO_MAGIC_NUMBERS.invalid)));
    expect(invalid).toBeInstanceOf(RecipientUnreachableError);
    expect(invalid).toMatchObject({ reason: 'invalid-address', providerCode: 21211, status: 400 });

    const landline = await rejectionOf(sms.send(smsMessage(nextId('21614'), TWILIO_MAGIC_NUMBERS.notMobile)));
    expect(landline).toMatchObject({ reason: 'invalid-address', providerCode: 21614 });

    const stopped = await rejectionOf(sms.send(smsMessage(nextId('21610'), TWILIO_MAGIC_NUMBERS.stopped)));
    expect(stopped).toBeInstanceOf(RecipientUnreachableError);
    expect(stopped).toMatchObject({ reason: 'subscription-expired', providerCode: 21610, retryable: false });

    const region = await rejectionOf(
      sms.send(smsMessage(nextId('21408'), TWILIO_MAGIC_NUMBERS.noRegionPermission)),
    );
    expect(region).toBeInstanceOf(ProviderRejectedError);
    expect(region).toMatchObject({ providerCode: 21408, status: 400, retryable: false });

    server.failNext('unavailable');
    const outage = await rejectionOf(sms.send(smsMessage(nextId('503'))));
    expect(outage).toBeInstanceOf(ProviderUnavailableError);
    expect(outage).toMatchObject({ status: 503, retryAfterMs: 1000, retryable: true });
  });

  it('reports wrong credentials as a refusal, and verify() proves the right ones', async () => {
    const wrong = twilioSms({
      accountSid: server.accountSid,
      authToken: 'wrong',
      from: FROM,
      baseUrl: server.url,
    });
    const error = await rejectionOf(wrong.send(smsMessage(nextId('auth'))));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ status: 401, providerCode: 20003 });
    await expect(sms.verify?.()).resolves.toBeUndefined();
    expect(await rejectionOf(wrong.verify?.() ?? Promise.resolve())).toBeInstanceOf(ProviderRejectedError);
  });

  it('maps MessageStatus to delivery events, stamped by the clock', async () => {
    const parse = (status: string, errorCode?: string) =>
      sms.parseWebhook?.(server.statusCallback('SM1', status, errorCode ? { errorCode } : {}));
    expect(await parse('delivered')).toEqual([
      {
        type: 'delivered',
        providerMessageId: 'SM1',
        channel: 'sms',
        at: '2026-03-01T08:00:00.000Z',
        providerEventId: 'SM1:delivered',
      },
    ]);
    expect(await parse('queued')).toMatchObject([{ type: 'sent', providerEventId: 'SM1:sent' }]);
    expect(await parse('sent')).toMatchObject([{ type: 'sent', providerEventId: 'SM1:sent' }]);
    expect(await parse('undelivered', '30003')).toMatchObject([{ type: 'failed', reason: '30003' }]);
    expect(await parse('failed', '30007')).toMatchObject([{ type: 'failed', reason: '30007' }]);
    expect(await parse('sending')).toEqual([]);
  });

  it('accepts the URL with or without its standard port, as Twilio signs either', async () => {
    const signedWithPort = server.statusCallback('SM2', 'delivered', {
      url: 'https://cx.example.com:443/hook?x=1',
    });
    const events = await sms.parseWebhook?.({ ...signedWithPort, url: 'https://cx.example.com/hook?x=1' });
    expect(events).toMatchObject([{ type: 'delivered', providerMessageId: 'SM2' }]);
    const signedWithout = server.statusCallback('SM3', 'delivered', { url: 'https://cx.example.com/hook' });
    const again = await sms.parseWebhook?.({ ...signedWithout, url: 'https://cx.example.com:443/hook' });
    expect(again).toMatchObject([{ providerMessageId: 'SM3' }]);
  });

  it('refuses forged, tampered, unsigned and re-addressed callbacks', async () => {
    const valid = server.statusCallback('SM4', 'delivered');
    const attempts = [
      { ...valid, body: valid.body.replace('delivered', 'failed') },
      { ...valid, url: 'https://attacker.example.com/webhooks/twilio?workspace=acme' },
      { ...valid, headers: { ...valid.headers, 'x-twilio-signature': undefined } },
      { ...valid, headers: { ...valid.headers, 'x-twilio-signature': 'AAAA' } },
      server.statusCallback('SM4', 'delivered', { authToken: 'someone-else' }),
    ];
    for (const attempt of attempts) {
      const error = await rejectionOf(Promise.resolve().then(() => sms.parseWebhook?.(attempt)));
      expect(error).toBeInstanceOf(WebhookSignatureError);
      expect(isCxError(error, 'UNAUTHORIZED')).toBe(true);
    }
  });

  it("reproduces the signature example of Twilio's security docs", () => {
    expect(
      twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', {
        CallSid: 'CA1234567890ABCDE',
        Caller: '+14158675309',
        Digits: '1234',
        From: '+14158675309',
        To: '+18005551212',
      }),
    ).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('refuses bad options with ConfigError', () => {
    const base = { accountSid: 'AC1', authToken: 'token' };
    const configError = (options: unknown) => {
      try {
        twilioSms(options as never);
      } catch (error) {
        return isCxError(error, 'CONFIG');
      }
      return false;
    };
    expect(configError(base)).toBe(true); // neither from nor messagingServiceSid
    expect(configError({ ...base, from: FROM, messagingServiceSid: 'MG1' })).toBe(true);
    expect(configError({ ...base, from: FROM, baseUrl: 'not a url' })).toBe(true);
    expect(configError({ ...base, from: FROM, authtoken: 'typo' })).toBe(true);
    expect(configError({ ...base, from: FROM })).toBe(false);
  });
});
