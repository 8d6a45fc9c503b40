import { ValidationError } from '@cx/core';
import type { ChannelAdapter, SendOptions, SendResult } from '../../contract/channel-adapter';
import { ProviderUnavailableError } from '../../errors/delivery-errors';
import { validateMessage } from '../shared/validate-message';
import { apnsError, apnsReason } from './apns-errors';
import { apnsHeaders, apnsPayload } from './apns-message';
import { APNS_PRODUCTION_ORIGIN, type ApnsPushOptions, parseApnsPushOptions } from './apns-options';
import { apnsProviderToken } from './apns-token';
import { devicePlatformToken } from './device-platform';
import { type Http2Response, http2Client } from './http2-client';

/**
 * APNs refuses a payload over 4 KB (`PayloadTooLarge`); cx refuses it first, without a request.
 *
 * @example
 * ```ts
 * if (Buffer.byteLength(JSON.stringify(payload)) > MAX_APNS_PAYLOAD) shorten(payload);
 * ```
 */
export const MAX_APNS_PAYLOAD = 4096;

/**
 * A mobile push adapter (channel `mobile-push`, devices of platform `apns`) for the Apple Push
 * Notification service, over HTTP/2 with token-based auth, on node:http2 and node:crypto: no
 * dependency.
 *
 * - One HTTP/2 connection is opened on the first send and reused by every send (Apple's advice);
 *   it reopens by itself when APNs closes it. Call `close()` on shutdown.
 * - The provider token (ES256 JWT of `teamId`, signed with the `.p8` key) is reused for 50 minutes;
 *   a 403 `ExpiredProviderToken` makes a new one and retries the send once.
 * - `send` needs `to.device` (platform `apns`) and `content.title` or `content.text`; the payload is
 *   `{ aps: { alert: { title, body }, 'thread-id' }, ...data, url, cxMessageId }`, at most 4 KB.
 *   `apns-id` is a UUID derived from `message.id` and comes back as `providerMessageId`.
 * - 410 `Unregistered` or 400 `BadDeviceToken` → `RecipientUnreachableError`
 *   (`subscription-expired`); 429/5xx or a lost connection → `ProviderUnavailableError`; other
 *   4xx → `ProviderRejectedError` with APNs's reason as `providerCode`.
 * - `verify()` opens the connection.
 *
 * @throws `ConfigError` when the options are invalid (a key that is not a P-256 PEM, a team id that
 *   is not 10 characters).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { apnsPush } from '@cx/channels/mobile-push';
 * const apns = apnsPush({
 *   teamId: 'ABCDE12345',
 *   keyId: 'KEY1234567',
 *   signingKey: readFileSync('AuthKey_KEY1234567.p8', 'utf8'),
 *   topic: 'com.example.app',
 * });
 * await apns.send(message);
 * await apns.close?.();
 * ```
 */
export function apnsPush(options: ApnsPushOptions): ChannelAdapter {
  const parsed = parseApnsPushOptions(options);
  const id = parsed.id ?? 'apns';
  const origin = parsed.origin ?? APNS_PRODUCTION_ORIGIN;
  const timeoutMs = parsed.timeoutMs ?? 15_000;
  const now = () => (parsed.clock ?? Date).now();
  const tokens = apnsProviderToken({
    teamId: parsed.teamId,
    keyId: parsed.keyId,
    signingKey: parsed.signingKey,
    ...(parsed.clock ? { clock: parsed.clock } : {}),
  });
  const client = http2Client(origin);

  async function post(
    headers: Record<string, string>,
    body: string,
    token: string,
    sendOptions: SendOptions,
  ): Promise<Http2Response> {
    try {
      return await client.request({ ...headers, authorization: `bearer ${token}` }, body, {
        timeoutMs,
        ...(sendOptions.signal ? { signal: sendOptions.signal } : {}),
      });
    } catch (cause) {
      throw new ProviderUnavailableError({
        adapter: id,
        message: `could not reach ${new URL(origin).host}: ${(cause as Error).message}`,
        cause,
      });
    }
  }

  return {
    id,
    channel: 'mobile-push',
    async send(input, sendOptions = {}): Promise<SendResult> {
      const message = validateMessage(id, 'mobile-push', input, ['to.device', 'content.title|content.text']);
      const deviceToken = devicePlatformToken(id, message, 'apns');
      const body = JSON.stringify(apnsPayload(message));
      const size = Buffer.byteLength(body);
      if (size > MAX_APNS_PAYLOAD) {
        const issue = `the payload is ${size} bytes; APNs takes ${MAX_APNS_PAYLOAD}`;
        throw new ValidationError(`${id} message: content: ${issue}`, [
          { path: 'content', message: issue, code: 'custom' },
        ]);
      }
      const headers: Record<string, string> = {
        ':method': 'POST',
        ':path': `/3/device/${encodeURIComponent(deviceToken)}`,
        'content-type': 'application/json',
        ...apnsHeaders(message, parsed.topic, Math.floor(now() / 1000)),
      };
      let token = tokens.current();
      let response = await post(headers, body, token, sendOptions);
      if (response.status === 403 && apnsReason(response.body) === 'ExpiredProviderToken') {
        token = tokens.renew(token);
        response = await post(headers, body, token, sendOptions);
      }
      if (response.status !== 200) {
        throw apnsError(id, response.status, response.body, response.headers['retry-after']);
      }
      return { providerMessageId: response.headers['apns-id'] ?? headers['apns-id'], status: 'sent' };
    },
    async verify() {
      try {
        await client.connect(timeoutMs);
      } catch (cause) {
        throw new ProviderUnavailableError({
          adapter: id,
          message: `could not connect to ${new URL(origin).host}: ${(cause as Error).message}`,
          cause,
        });
      }
    },
    close: () => client.close(),
  };
}
