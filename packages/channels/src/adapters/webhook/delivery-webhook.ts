import { parseOrThrow, ValidationError } from '@cx/core';
import { z } from 'zod';
import type { WebhookRequest } from '../../contract/channel-adapter';
import { DELIVERY_EVENT_TYPES, type DeliveryEvent } from '../../contract/delivery-event';
import { verifyWebhookSignature, type WebhookSecret } from './webhook-signature';

/**
 * One delivery status in cx's generic inbound format, as a receiver (or any system cx hands
 * messages to) reports it back.
 */
export interface DeliveryStatusReport {
  /** The message: the id cx sent (`X-Cx-Message-Id`), or the provider's id of it. */
  id: string;
  /** One of the delivery event types: `delivered`, `opened`, `clicked`, `failed`, … */
  status: (typeof DELIVERY_EVENT_TYPES)[number];
  /** When it happened (ISO 8601 with an offset). */
  at: string;
  /** For `failed` and `bounced`: why, in words. */
  reason?: string;
  /** The reporter's id of this event, so a report delivered twice is recorded once. */
  eventId?: string;
  /** For `bounced`: a hard bounce suppresses the address. */
  bounce?: 'hard' | 'soft';
  /** For `clicked`: the link. */
  url?: string;
}

/** Options of {@link parseDeliveryWebhook}. */
export interface ParseDeliveryWebhookOptions {
  /** The shared secret, or several while rotating. */
  secret: WebhookSecret;
  /** How far the signed time may be from now, in seconds; default 300. */
  toleranceSeconds?: number;
  /** The current time in ms since the epoch (`clock.now()`); defaults to `Date.now()`. */
  now?: number;
}

const reportSchema = z.strictObject({
  id: z.string().min(1).max(256),
  status: z.enum(DELIVERY_EVENT_TYPES),
  at: z.iso.datetime({ offset: true }),
  reason: z.string().max(1000).optional(),
  eventId: z.string().min(1).max(256).optional(),
  bounce: z.enum(['hard', 'soft']).optional(),
  url: z.url().optional(),
});

const bodySchema = z.union([reportSchema, z.array(reportSchema).min(1).max(1000)]);

/**
 * Verifies and reads a delivery-status webhook in cx's generic format: a JSON body
 * `{ id, status, at, reason? }` (or an array of them), signed like every cx webhook
 * (`X-Cx-Signature`). The signature is checked before the body is read at all: a forged, stale or
 * unsigned request is a `WebhookSignatureError`; a signed body that is not in the format is a
 * `ValidationError`.
 *
 * `id` is both the provider's and cx's id of the message: cx's webhook channel sends `message.id`
 * and reports it as the provider id too.
 *
 * @example
 * ```ts
 * import { parseDeliveryWebhook } from '@cx/channels/webhook';
 *
 * // A fetch-style route handler (Hono, Next.js, Bun): headers come lower-cased, the body raw.
 * export async function POST(request: Request): Promise<Response> {
 *   const events = await parseDeliveryWebhook(
 *     {
 *       method: request.method,
 *       url: request.url,
 *       headers: Object.fromEntries(request.headers),
 *       body: await request.text(),
 *     },
 *     { secret: process.env.CX_WEBHOOK_SECRET! },
 *   ); // a forged or stale request throws WebhookSignatureError: answer 401
 *   // events: [{ type: 'delivered', providerMessageId: 'msg-1', messageId: 'msg-1', channel: 'webhook', at: '…' }]
 *   return new Response(null, { status: events.length > 0 ? 204 : 400 });
 * }
 * ```
 */
export async function parseDeliveryWebhook(
  request: WebhookRequest,
  options: ParseDeliveryWebhookOptions,
): Promise<DeliveryEvent[]> {
  verifyWebhookSignature({
    secret: options.secret,
    header: request?.headers?.['x-cx-signature'],
    body: request?.body,
    ...(options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch (cause) {
    throw new ValidationError(
      'Invalid delivery webhook: the body is not JSON',
      [{ path: '', message: 'Not JSON', code: 'invalid_json' }],
      { cause },
    );
  }
  const parsed = parseOrThrow(bodySchema, json, 'delivery webhook');
  return (Array.isArray(parsed) ? parsed : [parsed]).map((report) => ({
    type: report.status,
    providerMessageId: report.id,
    messageId: report.id,
    channel: 'webhook',
    at: new Date(report.at).toISOString(),
    ...(report.eventId === undefined ? {} : { providerEventId: report.eventId }),
    ...(report.bounce === undefined ? {} : { bounce: report.bounce }),
    ...(report.url === undefined ? {} : { url: report.url }),
    ...(report.reason === undefined ? {} : { reason: report.reason }),
  }));
}
