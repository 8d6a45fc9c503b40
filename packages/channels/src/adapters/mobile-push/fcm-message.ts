import type { OutboundMessage } from '../../contract/outbound-message';

/**
 * The `message` of an FCM HTTP v1 `messages:send` request, as cx fills it.
 *
 * @example
 * ```ts
 * const message: FcmMessage = fcmMessage(outbound, Math.floor(Date.now() / 1000));
 * ```
 */
export interface FcmMessage {
  token: string;
  notification: { title?: string; body?: string; image?: string };
  /** FCM carries strings only. */
  data: Record<string, string>;
  android: { priority: 'high' | 'normal'; ttl?: string; collapse_key?: string };
  apns?: { headers: Record<string, string> };
}

/**
 * The data key that carries cx's message id to the app and to the provider logs.
 *
 * @example
 * ```ts
 * // in the app's messaging handler
 * const cxMessageId = remoteMessage.data[CX_MESSAGE_ID_KEY];
 * ```
 */
export const CX_MESSAGE_ID_KEY = 'cxMessageId';

/** FCM data values must be strings: strings pass as they are, anything else as JSON. */
const asString = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Builds the FCM HTTP v1 message of an {@link OutboundMessage}: `notification` from the title,
 * text and image; `data` from `content.data` (stringified), `content.url` as `url` and the message
 * id as `cxMessageId`; `push.urgency` `high` as Android `high` priority and APNs priority 10;
 * `push.ttl` as Android `ttl` and `apns-expiration`; `push.topic` as the collapse key.
 *
 * @param nowS Seconds since the epoch, for `apns-expiration`.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ message: fcmMessage(message, Math.floor(Date.now() / 1000)) });
 * ```
 */
export function fcmMessage(message: OutboundMessage, nowS: number): FcmMessage {
  const { title, text, image, url, data = {} } = message.content;
  const push = message.push ?? {};
  const high = push.urgency === 'high';
  const stringData: Record<string, string> = {};
  for (const [name, value] of Object.entries(data))
    if (value !== undefined) stringData[name] = asString(value);
  if (url !== undefined) stringData.url ??= url;
  stringData[CX_MESSAGE_ID_KEY] = message.id;

  const android: FcmMessage['android'] = { priority: high ? 'high' : 'normal' };
  if (push.ttl !== undefined) android.ttl = `${push.ttl}s`;
  if (push.topic !== undefined) android.collapse_key = push.topic;

  // FCM passes these through to APNs for iOS devices; without them APNs would send at priority 10.
  const apnsHeaders: Record<string, string> = { 'apns-priority': high ? '10' : '5' };
  if (push.ttl !== undefined) apnsHeaders['apns-expiration'] = String(push.ttl === 0 ? 0 : nowS + push.ttl);
  if (push.topic !== undefined) apnsHeaders['apns-collapse-id'] = push.topic;

  return {
    token: message.to.device?.token as string,
    notification: { title, body: text, image },
    data: stringData,
    android,
    apns: { headers: apnsHeaders },
  };
}
