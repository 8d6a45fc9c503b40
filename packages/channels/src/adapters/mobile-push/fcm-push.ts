import type { ChannelAdapter, SendOptions, SendResult } from '../../contract/channel-adapter';
import { providerFetch } from '../shared/provider-fetch';
import { validateMessage } from '../shared/validate-message';
import { devicePlatformToken } from './device-platform';
import { fcmError } from './fcm-errors';
import { fcmMessage } from './fcm-message';
import { type FcmPushOptions, parseFcmPushOptions } from './fcm-options';
import { googleAccessTokens } from './google-oauth';

/**
 * The OAuth2 scope of FCM HTTP v1.
 *
 * @example
 * ```ts
 * const tokens = googleAccessTokens({ serviceAccount, scope: FCM_SCOPE, adapter: 'fcm' });
 * ```
 */
export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/**
 * A mobile push adapter (channel `mobile-push`, devices of platform `fcm`) for Firebase Cloud
 * Messaging's HTTP v1 API, with service account OAuth2 done on node:crypto: no Firebase Admin SDK.
 *
 * - `send` needs `to.device` (platform `fcm`) and `content.title` or `content.text`; it posts
 *   `messages:send` with `notification`, string-only `data` (carrying `cxMessageId`), Android
 *   `priority`/`ttl`/`collapse_key` and the matching APNs headers for iOS devices.
 * - The access token is cached until 5 minutes before it expires (one token request for many
 *   sends); a 401 fetches a new token once and retries the send.
 * - `UNREGISTERED`, or `INVALID_ARGUMENT` about the token → `RecipientUnreachableError`
 *   (`subscription-expired`): delete the token. 429/5xx → `ProviderUnavailableError`; other 4xx →
 *   `ProviderRejectedError`. The result's `providerMessageId` is FCM's message `name`.
 * - `verify()` fetches an access token, proving the key and the token endpoint.
 * - Not `idempotent`: FCM delivers a repeated request twice.
 *
 * @throws `ConfigError` when the options are invalid.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { fcmPush } from '@cx/channels/mobile-push';
 * const fcm = fcmPush({ serviceAccount: JSON.parse(readFileSync('service-account.json', 'utf8')) });
 * const { providerMessageId } = await fcm.send(message); // 'projects/my-app/messages/0:17…'
 * ```
 */
export function fcmPush(options: FcmPushOptions): ChannelAdapter {
  const parsed = parseFcmPushOptions(options);
  const id = parsed.id ?? 'fcm';
  const account = parsed.serviceAccount;
  const endpoint = `${(parsed.baseUrl ?? 'https://fcm.googleapis.com').replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`;
  const tokens = googleAccessTokens({
    serviceAccount: account,
    scope: FCM_SCOPE,
    adapter: id,
    ...(parsed.clock ? { clock: parsed.clock } : {}),
    ...(parsed.timeoutMs ? { timeoutMs: parsed.timeoutMs } : {}),
  });
  const now = () => (parsed.clock ?? Date).now();

  const post = (accessToken: string, body: string, sendOptions: SendOptions) =>
    providerFetch(endpoint, {
      adapter: id,
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=utf-8' },
      body,
      ...(sendOptions.signal ? { signal: sendOptions.signal } : {}),
      ...(parsed.timeoutMs ? { timeoutMs: parsed.timeoutMs } : {}),
    });

  return {
    id,
    channel: 'mobile-push',
    async send(input, sendOptions = {}): Promise<SendResult> {
      const message = validateMessage(id, 'mobile-push', input, ['to.device', 'content.title|content.text']);
      devicePlatformToken(id, message, 'fcm');
      const body = JSON.stringify({ message: fcmMessage(message, Math.floor(now() / 1000)) });
      let accessToken = await tokens.get();
      let response = await post(accessToken, body, sendOptions);
      if (response.status === 401) {
        // The token was revoked or expired early (a key rotation): one fresh token, one retry.
        await response.body?.cancel();
        tokens.invalidate(accessToken);
        accessToken = await tokens.get();
        response = await post(accessToken, body, sendOptions);
      }
      const text = await response.text().catch(() => '');
      if (!response.ok) throw fcmError(id, response.status, text, response.headers.get('retry-after'));
      let name: unknown;
      try {
        name = (JSON.parse(text) as { name?: unknown }).name;
      } catch {
        // FCM always answers JSON; a proxy that does not still delivered the message.
      }
      return { providerMessageId: typeof name === 'string' && name ? name : message.id, status: 'sent' };
    },
    async verify() {
      await tokens.get();
    },
  };
}
