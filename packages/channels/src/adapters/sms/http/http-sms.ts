import { systemClock } from '@cx/core';
import type { ChannelAdapter } from '../../../contract/channel-adapter';
import { ProviderUnavailableError } from '../../../errors/delivery-errors';
import { parseAdapterOptions } from '../../shared/parse-adapter-options';
import { expectOk, providerFetch } from '../../shared/provider-fetch';
import { validateMessage } from '../../shared/validate-message';
import { prepareSmsText } from '../encoding/prepare-sms-text';
import { type HttpSmsOptions, httpSmsOptionsSchema } from './http-sms-options';
import { parseHttpSmsWebhook } from './http-sms-webhook';

/** The value at a dotted path of a JSON answer, when it is a usable id. */
function idAt(body: unknown, path: string): string | undefined {
  let value = body;
  for (const key of path.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * SMS through any HTTP gateway (a local carrier's API, your own relay): posts JSON
 * `{ id, to, from, text, encoding, segments }` with `Idempotency-Key: <message id>`, so the
 * gateway can drop a retried send (`idempotent: true`: the gateway must honour the key). The
 * answer's `id` (or the `responseId` path) is the provider message id. A 5xx, 429 or timeout is
 * `ProviderUnavailableError`; another 4xx is `ProviderRejectedError`.
 *
 * With `webhookSecret`, `parseWebhook` accepts delivery reports `{ id, status, at, reason? }`
 * signed `X-Cx-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + '.' + body)>` and no
 * older or newer than `toleranceSeconds`.
 *
 * @throws `ConfigError` for missing or malformed options.
 * @example
 * ```ts
 * import { httpSms } from '@cx/channels/sms';
 * const sms = httpSms({
 *   url: 'https://sms-gateway.example.vn/v1/messages',
 *   token: process.env.SMS_GATEWAY_TOKEN!,
 *   from: 'ACME',
 *   responseId: 'data.messageId',
 *   webhookSecret: process.env.SMS_GATEWAY_WEBHOOK_SECRET!,
 * });
 * await sms.send({
 *   id: 'otp-7f3a',
 *   channel: 'sms',
 *   category: 'transactional',
 *   to: { profileId: 'p-1', phone: '+84912345678' },
 *   content: { text: 'Your code is 123456' },
 * });
 * ```
 */
export function httpSms(options: HttpSmsOptions): ChannelAdapter {
  const config = parseAdapterOptions(httpSmsOptionsSchema, options, 'httpSms');
  const id = config.id ?? 'http-sms';
  const clock = config.clock ?? systemClock;
  const responseId = config.responseId ?? 'id';
  const secret = config.webhookSecret;

  const adapter: ChannelAdapter = {
    id,
    channel: 'sms',
    idempotent: true,

    async send(input, sendOptions) {
      const message = validateMessage(id, 'sms', input, ['to.phone', 'content.text']);
      const text = prepareSmsText(message.content.text as string, config.stripDiacritics === true);
      const response = await providerFetch(config.url, {
        adapter: id,
        method: 'POST',
        headers: {
          ...config.headers,
          ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
          accept: 'application/json',
          'content-type': 'application/json',
          'idempotency-key': message.id,
        },
        body: JSON.stringify({
          id: message.id,
          to: message.to.phone,
          from: config.from,
          text: text.body,
          encoding: text.encoding,
          segments: text.segments,
        }),
        ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
        ...(sendOptions?.signal ? { signal: sendOptions.signal } : {}),
      });
      await expectOk(id, response);
      const providerMessageId = idAt(await response.json().catch(() => undefined), responseId);
      if (providerMessageId === undefined) {
        // Accepted, but without an id we cannot follow the message. Resending is safe: the
        // idempotency key makes the gateway answer for the first send instead of sending again.
        throw new ProviderUnavailableError({
          adapter: id,
          message: `the gateway's answer has no message id at ${responseId}`,
          status: response.status,
        });
      }
      return {
        providerMessageId,
        status: 'sent',
        details: { encoding: text.encoding, segments: text.segments },
      };
    },
  };

  if (secret !== undefined) {
    const toleranceSeconds = config.toleranceSeconds ?? 300;
    adapter.parseWebhook = async (request) =>
      parseHttpSmsWebhook(request, { adapter: id, secret, toleranceSeconds, clock });
  }
  return adapter;
}
