import { systemClock } from '@cx/core';
import type { ChannelAdapter } from '../../../contract/channel-adapter';
import { ProviderUnavailableError } from '../../../errors/delivery-errors';
import { parseAdapterOptions } from '../../shared/parse-adapter-options';
import { providerFetch } from '../../shared/provider-fetch';
import { validateMessage } from '../../shared/validate-message';
import { prepareSmsText } from '../encoding/prepare-sms-text';
import { throwTwilioError } from './twilio-errors';
import { type TwilioSmsOptions, twilioSmsOptionsSchema } from './twilio-options';
import { parseTwilioStatusCallback } from './twilio-webhook';

/**
 * SMS through Twilio's Messages API, or any provider that speaks it. The message id goes out as
 * `I-Twilio-Idempotency-Token`, so a retried send is not delivered twice (`idempotent: true`).
 *
 * - `send` posts `To`, `From` (or `MessagingServiceSid`), `Body` and `StatusCallback`, and returns
 *   the message `sid` with the encoding and part count in `details`;
 * - errors: 21211 and 21614 (not a mobile number) are `RecipientUnreachableError`
 *   `invalid-address`, 21610 (the person replied STOP) is `subscription-expired`, other 4xx are
 *   `ProviderRejectedError` with Twilio's code, 5xx and 429 are `ProviderUnavailableError`;
 * - `parseWebhook` verifies `X-Twilio-Signature` and maps `MessageStatus` to delivery events;
 * - `verify` fetches the account, which proves the credentials.
 *
 * @throws `ConfigError` for missing or malformed options.
 * @example
 * ```ts
 * import { twilioSms } from '@cx/channels/sms';
 * const sms = twilioSms({
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   authToken: process.env.TWILIO_AUTH_TOKEN!,
 *   from: '+15005550006',
 *   statusCallback: 'https://example.com/webhooks/twilio',
 *   stripDiacritics: true,
 * });
 * const result = await sms.send({
 *   id: 'order-42-shipped',
 *   channel: 'sms',
 *   category: 'transactional',
 *   to: { profileId: 'p-1', phone: '+84912345678' },
 *   content: { text: 'Đơn hàng #42 đã được giao' },
 * });
 * result.details; // { encoding: 'GSM-7', segments: 1 }
 * ```
 */
export function twilioSms(options: TwilioSmsOptions): ChannelAdapter {
  const config = parseAdapterOptions(twilioSmsOptionsSchema, options, 'twilioSms');
  const id = config.id ?? 'twilio';
  const clock = config.clock ?? systemClock;
  const origin = (config.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const accountUrl = `${origin}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}.json`;
  const endpoint = accountUrl.replace(/\.json$/, '/Messages.json');
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;

  return {
    id,
    channel: 'sms',
    idempotent: true,

    async send(input, sendOptions) {
      const message = validateMessage(id, 'sms', input, ['to.phone', 'content.text']);
      const text = prepareSmsText(message.content.text as string, config.stripDiacritics === true);
      const form = new URLSearchParams({ To: message.to.phone as string, Body: text.body });
      if (config.from) form.set('From', config.from);
      if (config.messagingServiceSid) form.set('MessagingServiceSid', config.messagingServiceSid);
      if (config.statusCallback) form.set('StatusCallback', config.statusCallback);

      const response = await providerFetch(endpoint, {
        adapter: id,
        method: 'POST',
        headers: {
          authorization,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
          'i-twilio-idempotency-token': message.id,
        },
        body: form.toString(),
        ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
        ...(sendOptions?.signal ? { signal: sendOptions.signal } : {}),
      });
      if (!response.ok) return throwTwilioError(id, response);

      const body = (await response.json().catch(() => ({}))) as { sid?: unknown; status?: unknown };
      if (typeof body.sid !== 'string' || body.sid === '') {
        // Twilio took the request but its answer is unreadable; resending is safe because the
        // idempotency token makes Twilio return the first message instead of sending a second.
        throw new ProviderUnavailableError({
          adapter: id,
          message: 'Twilio answered 2xx without a message sid',
          status: response.status,
        });
      }
      return {
        providerMessageId: body.sid,
        status: body.status === 'scheduled' ? 'queued' : 'sent',
        details: { encoding: text.encoding, segments: text.segments },
      };
    },

    async parseWebhook(request) {
      return parseTwilioStatusCallback(request, { adapter: id, authToken: config.authToken, clock });
    },

    async verify() {
      // Fetching the account proves the credentials without sending anything.
      const response = await providerFetch(accountUrl, {
        adapter: id,
        headers: { authorization, accept: 'application/json' },
        ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
      });
      if (!response.ok) await throwTwilioError(id, response);
      await response.arrayBuffer();
    },
  };
}
