import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../../contract/outbound-message';
import { CX_MESSAGE_ID_KEY } from './fcm-message';

/** RFC 9562 URL namespace: the `apns-id` is the version 5 UUID of `urn:cx:message:<id>` in it. */
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * The `apns-id` of a message: a name-based (version 5) UUID of its id, so the same message always
 * has the same APNs id and Apple's logs and feedback match cx's records without a lookup table.
 *
 * @example
 * ```ts
 * apnsId('order-42:shipped:p-1'); // the same UUID every time
 * ```
 */
export function apnsId(messageId: string): string {
  const hash = createHash('sha1')
    .update(URL_NAMESPACE)
    .update(`urn:cx:message:${messageId}`, 'utf8')
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The APNs request headers of a message, without `authorization`: `apns-push-type: alert`,
 * `apns-priority` 10 for `high` urgency (else 5, power-considerate), `apns-expiration` from
 * `push.ttl` (0 means deliver now or never), `apns-collapse-id` from `push.topic`, and the
 * deterministic {@link apnsId}.
 *
 * @param nowS Seconds since the epoch.
 *
 * @example
 * ```ts
 * const headers = apnsHeaders(message, 'com.example.app', Math.floor(Date.now() / 1000));
 * ```
 */
export function apnsHeaders(message: OutboundMessage, topic: string, nowS: number): Record<string, string> {
  const push = message.push ?? {};
  const headers: Record<string, string> = {
    'apns-topic': topic,
    'apns-push-type': 'alert',
    'apns-priority': push.urgency === 'high' ? '10' : '5',
    'apns-id': apnsId(message.id),
  };
  if (push.ttl !== undefined) headers['apns-expiration'] = String(push.ttl === 0 ? 0 : nowS + push.ttl);
  if (push.topic !== undefined) headers['apns-collapse-id'] = push.topic;
  return headers;
}

/**
 * The APNs JSON payload of a message: `aps.alert` from the title and text, `thread-id` from the
 * message's subscription topic (so iOS groups them), then `content.data` as custom keys, `url`, and
 * `cxMessageId`.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(apnsPayload(message));
 * ```
 */
export function apnsPayload(message: OutboundMessage): Record<string, unknown> {
  const { title, text, url, data = {} } = message.content;
  const aps: Record<string, unknown> = { alert: { title, body: text } };
  if (message.topic !== undefined) aps['thread-id'] = message.topic;
  return {
    ...data,
    ...(url === undefined || 'url' in data ? {} : { url }),
    aps,
    [CX_MESSAGE_ID_KEY]: message.id,
  };
}
