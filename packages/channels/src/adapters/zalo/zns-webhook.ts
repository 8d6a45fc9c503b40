import { type Clock, isoTime } from '@cx/core';
import type { WebhookRequest } from '../../contract/channel-adapter';
import type { DeliveryEvent } from '../../contract/delivery-event';
import { WebhookSignatureError } from '../../errors/delivery-errors';
import { verifyZaloEventSignature } from './zalo-event-signature';

/** Options of {@link parseZnsWebhook}. */
export interface ZnsWebhookOptions {
  adapter: string;
  appId: string;
  oaSecretKey: string;
  /** Stamps a receipt that carries no readable time. */
  clock: Clock;
}

/** The fields of a Zalo OA event cx reads. */
interface ZaloEvent {
  event_name?: unknown;
  timestamp?: unknown;
  message?: { msg_id?: unknown; delivery_time?: unknown; tracking_id?: unknown };
}

/** Zalo's times are milliseconds, as numbers or strings of digits. */
function isoFromMs(value: unknown): string | undefined {
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

/**
 * Verifies a Zalo OA webhook and turns ZNS delivery receipts into delivery events.
 *
 * - The signature (`X-ZEvent-Signature`, see `zaloEventSignature`) covers the raw body and its
 *   `timestamp`; the body is parsed only to find that timestamp until the signature holds.
 * - `user_received_message` → `delivered`, naming `message.msg_id` (and cx's message id, which
 *   Zalo echoes as `tracking_id`).
 * - Every other event (follows, chat messages, template status changes, and `user_seen_message`,
 *   which Zalo documents for OA chat messages, not for ZNS) gives no delivery event.
 * - No timestamp window: Zalo retries a webhook for about an hour, and `providerEventId`
 *   (`<msg_id>:delivered`) makes a replayed receipt count once.
 *
 * @throws `WebhookSignatureError` when the signature is missing or wrong, or the body has no timestamp.
 * @example
 * ```ts
 * const events = parseZnsWebhook(request, { adapter: 'zns', appId, oaSecretKey, clock: systemClock });
 * ```
 */
export function parseZnsWebhook(request: WebhookRequest, options: ZnsWebhookOptions): DeliveryEvent[] {
  let event: ZaloEvent;
  try {
    event = JSON.parse(request.body) as ZaloEvent;
  } catch {
    throw new WebhookSignatureError(
      options.adapter,
      'the body is not JSON, so its signature cannot be checked',
    );
  }
  const timestamp = typeof event?.timestamp === 'number' ? String(event.timestamp) : event?.timestamp;
  if (typeof timestamp !== 'string' || timestamp === '') {
    throw new WebhookSignatureError(options.adapter, 'the body has no timestamp to check the signature with');
  }
  const header = request.headers['x-zevent-signature'];
  if (!verifyZaloEventSignature(header, options.appId, request.body, timestamp, options.oaSecretKey)) {
    throw new WebhookSignatureError(
      options.adapter,
      header ? 'X-ZEvent-Signature does not match' : 'X-ZEvent-Signature is missing',
    );
  }

  if (event.event_name !== 'user_received_message') return [];
  const msgId = event.message?.msg_id;
  if (typeof msgId !== 'string' || msgId === '') return [];
  const trackingId = event.message?.tracking_id;
  return [
    {
      type: 'delivered',
      providerMessageId: msgId,
      ...(typeof trackingId === 'string' && trackingId !== '' ? { messageId: trackingId } : {}),
      channel: 'zns',
      at: isoFromMs(event.message?.delivery_time) ?? isoFromMs(timestamp) ?? isoTime(options.clock.now()),
      providerEventId: `${msgId}:delivered`,
    },
  ];
}
