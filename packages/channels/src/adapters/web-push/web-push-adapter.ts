import { isCxError, ValidationError } from '@cx/core';
import type { ChannelAdapter, SendResult } from '../../contract/channel-adapter';
import type { OutboundMessage, PushSubscription } from '../../contract/outbound-message';
import { ProviderRejectedError, RecipientUnreachableError } from '../../errors/delivery-errors';
import { expectOk, providerFetch } from '../shared/provider-fetch';
import { validateMessage } from '../shared/validate-message';
import { encryptAes128gcm, HEADER_BYTES, RECORD_OVERHEAD } from './aes128gcm';
import { createVapidAuthorizer } from './vapid';
import { MAX_TTL_SECONDS, parseWebPushOptions, type WebPushOptions } from './web-push-options';
import { webPushPayload } from './web-push-payload';

/**
 * RFC 8030 §7.2: the body size every push service must accept; some refuse a byte more.
 *
 * @example
 * ```ts
 * // the JSON payload may take MAX_WEB_PUSH_BODY - 103 = 3993 bytes
 * ```
 */
export const MAX_WEB_PUSH_BODY = 4096;

function invalid(adapter: string, path: string, message: string, cause?: unknown): ValidationError {
  return new ValidationError(
    `${adapter} message: ${path}: ${message}`,
    [{ path, message, code: 'custom' }],
    cause === undefined ? undefined : { cause },
  );
}

function checkEndpoint(adapter: string, endpoint: string, allowInsecure: boolean): void {
  const { protocol } = new URL(endpoint);
  if (protocol === 'https:' || (allowInsecure && protocol === 'http:')) return;
  throw invalid(adapter, 'to.pushSubscription.endpoint', `must be an https: URL, not ${protocol}`);
}

function encrypt(adapter: string, subscription: PushSubscription, payload: string): Buffer {
  try {
    return encryptAes128gcm({
      plaintext: payload,
      userAgentPublicKey: Buffer.from(subscription.keys.p256dh, 'base64url'),
      authSecret: Buffer.from(subscription.keys.auth, 'base64url'),
    });
  } catch (error) {
    if (!isCxError(error, 'VALIDATION')) throw error;
    const path = `to.pushSubscription.${(error as ValidationError).issues[0]?.path ?? 'keys'}`;
    throw invalid(adapter, path, (error as ValidationError).issues[0]?.message ?? error.message, error);
  }
}

/**
 * A web push adapter (channel `web-push`) that speaks RFC 8030 to any browser's push service (FCM,
 * Mozilla autopush, Apple, WNS) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291),
 * all on node:crypto: no runtime dependency.
 *
 * - `send` needs `to.pushSubscription` and `content.title` or `content.text`; the service worker
 *   receives `{ title, body, url, icon, image, data, id }`. An encrypted body over 4096 bytes is
 *   refused with a `ValidationError` before any request.
 * - `push.ttl` (default `options.ttl`, 28 days), `push.urgency` and `push.topic` become the `TTL`,
 *   `Urgency` and `Topic` headers.
 * - 404/410 means the subscription is gone: `onSubscriptionExpired` is awaited (delete it there),
 *   then the send fails with `RecipientUnreachableError` (`subscription-expired`); if the hook
 *   throws, its error is the `cause` and the send still fails as unreachable.
 * - 413 is a `ProviderRejectedError`; 429 and 5xx a `ProviderUnavailableError` with `retryAfterMs`.
 * - Not `idempotent`: push services deliver a repeated request twice.
 *
 * @throws `ConfigError` when the options are invalid (a VAPID key pair that does not match, a
 *   subject that is neither `mailto:` nor `https:`).
 *
 * @example
 * ```ts
 * import { webPush } from '@cx/channels/web-push';
 * const push = webPush({
 *   vapid: { subject: 'mailto:ops@example.com', publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY },
 *   onSubscriptionExpired: (subscription) => subscriptions.delete(subscription.endpoint),
 * });
 * await push.send(message);
 * ```
 */
export function webPush(options: WebPushOptions): ChannelAdapter {
  const parsed = parseWebPushOptions(options);
  const id = parsed.id ?? 'web-push';
  const authorize = createVapidAuthorizer(parsed.vapid, { clock: parsed.clock });
  const defaultTtl = parsed.ttl ?? MAX_TTL_SECONDS;

  async function expired(input: OutboundMessage, status: number): Promise<never> {
    let cause: unknown;
    const subscription = input.to.pushSubscription as PushSubscription;
    try {
      await parsed.onSubscriptionExpired?.(subscription, input);
    } catch (error) {
      cause = error;
    }
    throw new RecipientUnreachableError({
      adapter: id,
      reason: 'subscription-expired',
      status,
      message: `${status}: the push subscription has expired or was removed${
        cause === undefined ? '' : `; onSubscriptionExpired failed: ${(cause as Error)?.message ?? cause}`
      }`,
      cause,
    });
  }

  return {
    id,
    channel: 'web-push',
    async send(input, sendOptions = {}): Promise<SendResult> {
      const message = validateMessage(id, 'web-push', input, [
        'to.pushSubscription',
        'content.title|content.text',
      ]);
      const subscription = message.to.pushSubscription as PushSubscription;
      checkEndpoint(id, subscription.endpoint, parsed.allowInsecureEndpoints === true);
      const payload = JSON.stringify(webPushPayload(message));
      const size = Buffer.byteLength(payload) + HEADER_BYTES + RECORD_OVERHEAD;
      if (size > MAX_WEB_PUSH_BODY) {
        throw invalid(
          id,
          'content',
          `the encrypted payload would be ${size} bytes; push services take ${MAX_WEB_PUSH_BODY}`,
        );
      }
      const body = encrypt(id, subscription, payload);
      const headers: Record<string, string> = {
        authorization: authorize(subscription.endpoint),
        'content-encoding': 'aes128gcm',
        'content-type': 'application/octet-stream',
        ttl: String(message.push?.ttl ?? defaultTtl),
      };
      if (message.push?.urgency) headers.urgency = message.push.urgency;
      if (message.push?.topic) headers.topic = message.push.topic;

      const response = await providerFetch(subscription.endpoint, {
        adapter: id,
        method: 'POST',
        headers,
        body,
        ...(sendOptions.signal ? { signal: sendOptions.signal } : {}),
        ...(parsed.timeoutMs ? { timeoutMs: parsed.timeoutMs } : {}),
      });
      if (response.status === 404 || response.status === 410) {
        await response.body?.cancel();
        return expired(input, response.status);
      }
      if (response.status === 413) {
        await response.body?.cancel();
        throw new ProviderRejectedError({
          adapter: id,
          status: 413,
          message: '413: the push service refused the payload as too large',
        });
      }
      await expectOk(id, response);
      await response.body?.cancel();
      return { providerMessageId: response.headers.get('location') ?? message.id, status: 'sent' };
    },
  };
}
