import { type Clock, isoTime, ValidationError } from '@cx/core';
import type { WebhookRequest } from '../../../contract/channel-adapter';
import type { DeliveryEvent, DeliveryEventType } from '../../../contract/delivery-event';
import { WebhookSignatureError } from '../../../errors/delivery-errors';
import { type TwilioParams, verifyTwilioSignature } from './twilio-signature';

/** Twilio `MessageStatus` values cx records; the in-between ones (`sending`, `receiving`) are not. */
const STATUS_EVENTS: Readonly<Record<string, DeliveryEventType>> = {
  accepted: 'sent',
  queued: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
  // WhatsApp and RCS read receipts, sent through the same Messages API.
  read: 'opened',
};

/** Form parameters with every value of a repeated name kept. */
function formParams(text: string): TwilioParams {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = params[name];
    if (seen === undefined) params[name] = value;
    else params[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

const single = (value: string | readonly string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : value?.[0];

/** Options of {@link parseTwilioStatusCallback}. */
export interface TwilioWebhookOptions {
  adapter: string;
  authToken: string;
  clock: Clock;
}

/**
 * Verifies a Twilio status callback and turns it into delivery events. The signature covers the
 * URL and the POST parameters, so nothing is read before it holds. Twilio's callbacks carry no
 * time of their own: `at` is when the callback arrived. `providerEventId` is `<sid>:<type>`, so a
 * callback delivered twice, or `queued` followed by `sent`, is recorded once.
 *
 * @throws `WebhookSignatureError` when the signature is missing or wrong; `ValidationError` when a
 *   signed callback names no message.
 * @example
 * ```ts
 * const events = parseTwilioStatusCallback(request, { adapter: 'twilio', authToken, clock: systemClock });
 * ```
 */
export function parseTwilioStatusCallback(
  request: WebhookRequest,
  options: TwilioWebhookOptions,
): DeliveryEvent[] {
  const signature = request.headers['x-twilio-signature'];
  if (!signature) throw new WebhookSignatureError(options.adapter, 'X-Twilio-Signature is missing');
  // A GET callback is signed over its URL alone; its values ride in the query string.
  const posted = request.method.toUpperCase() === 'POST';
  const signed = posted ? formParams(request.body) : {};
  if (!verifyTwilioSignature(options.authToken, request.url, signed, signature)) {
    throw new WebhookSignatureError(options.adapter, 'X-Twilio-Signature does not match');
  }
  const params = posted ? signed : formParams(new URL(request.url).search);
  const sid = single(params['MessageSid']) ?? single(params['SmsSid']);
  if (!sid) throw new ValidationError(`${options.adapter} webhook: MessageSid is missing`);
  const status = single(params['MessageStatus']) ?? single(params['SmsStatus']) ?? '';
  const type = STATUS_EVENTS[status];
  if (!type) return [];
  const event: DeliveryEvent = {
    type,
    providerMessageId: sid,
    channel: 'sms',
    at: isoTime(options.clock.now()),
    providerEventId: `${sid}:${type}`,
  };
  if (type === 'failed') event.reason = single(params['ErrorCode']) ?? status;
  return [event];
}
