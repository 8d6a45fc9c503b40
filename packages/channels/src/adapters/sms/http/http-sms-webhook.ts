import { type Clock, parseOrThrow } from '@cx/core';
import { z } from 'zod';
import type { WebhookRequest } from '../../../contract/channel-adapter';
import { DELIVERY_EVENT_TYPES, type DeliveryEvent } from '../../../contract/delivery-event';
import { WebhookSignatureError } from '../../../errors/delivery-errors';
import { checkHttpSmsSignature } from './http-sms-signature';

const gatewayEventSchema = z.object({
  /** The gateway's message id, as its send answer gave it. */
  id: z.string().min(1),
  status: z.enum(DELIVERY_EVENT_TYPES),
  at: z.iso.datetime({ offset: true }),
  reason: z.string().optional(),
});

/** One event, or several in an array (a gateway that batches). */
const gatewayWebhookSchema = z.union([gatewayEventSchema, z.array(gatewayEventSchema).min(1)]);

/** Options of {@link parseHttpSmsWebhook}. */
export interface HttpSmsWebhookOptions {
  adapter: string;
  secret: string;
  toleranceSeconds: number;
  clock: Clock;
}

const WORDS = {
  missing: 'X-Cx-Signature is missing',
  malformed: 'X-Cx-Signature is not t=<seconds>,v1=<hex>',
  mismatch: 'X-Cx-Signature does not match',
  expired: 'X-Cx-Signature timestamp is outside the tolerance',
} as const;

/**
 * Verifies a gateway's delivery webhook (`X-Cx-Signature`, see `signHttpSmsWebhook`) and turns its
 * body, `{ id, status, at, reason? }` or an array of them, into delivery events.
 *
 * @throws `WebhookSignatureError` for a missing, malformed, wrong or stale signature;
 *   `ValidationError` for a signed body of the wrong shape.
 * @example
 * ```ts
 * parseHttpSmsWebhook(request, { adapter: 'http-sms', secret, toleranceSeconds: 300, clock: systemClock });
 * ```
 */
export function parseHttpSmsWebhook(
  request: WebhookRequest,
  options: HttpSmsWebhookOptions,
): DeliveryEvent[] {
  const problem = checkHttpSmsSignature(request.headers['x-cx-signature'], request.body, {
    secret: options.secret,
    toleranceSeconds: options.toleranceSeconds,
    nowSeconds: options.clock.now() / 1000,
  });
  if (problem) throw new WebhookSignatureError(options.adapter, WORDS[problem]);
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    json = undefined;
  }
  const parsed = parseOrThrow(gatewayWebhookSchema, json, `${options.adapter} webhook`);
  return (Array.isArray(parsed) ? parsed : [parsed]).map((event) => ({
    type: event.status,
    providerMessageId: event.id,
    channel: 'sms' as const,
    at: new Date(event.at).toISOString(),
    providerEventId: `${event.id}:${event.status}`,
    // A gateway bounces a number that does not exist; passing trouble is reported as `failed`.
    ...(event.status === 'bounced' ? { bounce: 'hard' as const } : {}),
    ...(event.reason === undefined ? {} : { reason: event.reason }),
  }));
}
