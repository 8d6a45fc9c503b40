import { systemClock } from '@cx/core';
import type { ChannelAdapter, SendOptions } from '../../contract/channel-adapter';
import { ProviderRejectedError, ProviderUnavailableError } from '../../errors/delivery-errors';
import { parseAdapterOptions } from '../shared/parse-adapter-options';
import { expectOk, providerFetch } from '../shared/provider-fetch';
import { validateMessage } from '../shared/validate-message';
import { type ZnsToken, znsAccessToken } from './zns-access-token';
import { znsDeliveryError } from './zns-errors';
import { type ZaloZnsOptions, zaloZnsOptionsSchema } from './zns-options';
import { parseZnsWebhook } from './zns-webhook';

/** Zalo's answer to every call: HTTP 200 with a code, 0 for success. */
interface ZaloAnswer {
  error: number;
  message: string;
  data: Record<string, unknown> | undefined;
}

const TOKEN_INVALID = -124;

/**
 * Zalo Notification Service: template messages to a phone number's Zalo account, the channel
 * Vietnamese customers read first. `send` posts `{ phone, template_id, template_data, tracking_id }`
 * to `/message/template` and returns Zalo's `msg_id`.
 *
 * - Needs `to.phone` (E.164), `content.templateId` and `content.templateData`.
 * - -118 (no Zalo account) and -119 (cannot receive ZNS) are `RecipientUnreachableError`
 *   `no-account`: the dispatcher falls back to SMS. Every code is sorted in `ZNS_ERROR_CODES`.
 * - -124 (token invalid or expired) calls `refreshAccessToken` and retries once.
 * - Not idempotent: Zalo only echoes `tracking_id`, it does not dedupe on it.
 * - With `appId` and `oaSecretKey`, `parseWebhook` verifies `X-ZEvent-Signature` and turns
 *   `user_received_message` into `delivered`.
 * - `verify` reads the OA's ZNS quota, which proves the token.
 *
 * @throws `ConfigError` for missing or malformed options.
 * @example
 * ```ts
 * import { zaloZns } from '@cx/channels/zalo';
 * const zns = zaloZns({
 *   accessToken: () => tokenStore.accessToken(),
 *   refreshAccessToken: () => tokenStore.refresh(),
 *   appId: process.env.ZALO_APP_ID!,
 *   oaSecretKey: process.env.ZALO_OA_SECRET_KEY!,
 * });
 * const result = await zns.send({
 *   id: 'order-42-shipped',
 *   channel: 'zns',
 *   category: 'transactional',
 *   to: { profileId: 'p-1', phone: '+84912345678' },
 *   content: { templateId: '231455', templateData: { order_code: '42', customer_name: 'An' } },
 * });
 * result.providerMessageId; // Zalo's msg_id
 * ```
 */
export function zaloZns(options: ZaloZnsOptions): ChannelAdapter {
  const config = parseAdapterOptions(zaloZnsOptionsSchema, options, 'zaloZns');
  const id = config.id ?? 'zns';
  const clock = config.clock ?? systemClock;
  const origin = (config.baseUrl ?? 'https://business.openapi.zalo.me').replace(/\/+$/, '');
  const tokens = znsAccessToken(id, config.accessToken, config.refreshAccessToken);

  /** One call to Zalo with one token; an HTTP failure throws, a Zalo code is returned. */
  async function once(path: string, token: string, body: unknown, signal?: AbortSignal): Promise<ZaloAnswer> {
    const response = await providerFetch(`${origin}${path}`, {
      adapter: id,
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        access_token: token,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
      ...(signal ? { signal } : {}),
    });
    await expectOk(id, response);
    const json = (await response.json().catch(() => undefined)) as Partial<ZaloAnswer> | undefined;
    if (typeof json?.error !== 'number') {
      // A 200 that is not Zalo's JSON comes from something in between (a proxy, a captive page).
      throw new ProviderUnavailableError({
        adapter: id,
        message: 'Zalo answered 200 without an error code',
        status: 200,
      });
    }
    return {
      error: json.error,
      message: typeof json.message === 'string' ? json.message : '',
      data: typeof json.data === 'object' && json.data !== null ? json.data : undefined,
    };
  }

  /** A call that survives one expired token: refresh, then retry exactly once. */
  async function call(path: string, body: unknown, signal?: AbortSignal): Promise<ZaloAnswer> {
    const first: ZnsToken = await tokens.get();
    const answer = await once(path, first.token, body, signal);
    if (answer.error !== TOKEN_INVALID) return answer;
    if (!tokens.canRefresh) {
      throw new ProviderRejectedError({
        adapter: id,
        message: `ZNS error -124: ${answer.message || 'access token invalid or expired'} (no refreshAccessToken hook)`,
        status: 200,
        providerCode: TOKEN_INVALID,
      });
    }
    const retried = await once(path, await tokens.refreshAfter(first), body, signal);
    if (retried.error === TOKEN_INVALID) {
      throw new ProviderRejectedError({
        adapter: id,
        message: 'ZNS error -124: the refreshed access token was refused too',
        status: 200,
        providerCode: TOKEN_INVALID,
      });
    }
    return retried;
  }

  const adapter: ChannelAdapter = {
    id,
    channel: 'zns',

    async send(input, sendOptions?: SendOptions) {
      const message = validateMessage(id, 'zns', input, [
        'to.phone',
        'content.templateId',
        'content.templateData',
      ]);
      const answer = await call(
        '/message/template',
        {
          // Zalo wants the number with its country code and no '+': 84912345678.
          phone: (message.to.phone as string).slice(1),
          template_id: message.content.templateId,
          template_data: message.content.templateData,
          tracking_id: message.id,
          ...(config.mode ? { mode: config.mode } : {}),
        },
        sendOptions?.signal,
      );
      if (answer.error !== 0) throw znsDeliveryError(id, answer.error, answer.message, clock.now());
      const msgId = answer.data?.['msg_id'];
      if (typeof msgId !== 'string' || msgId === '') {
        // Zalo may have sent it, and ZNS has no idempotency key: a retry could deliver it twice,
        // so this is not retried.
        throw new ProviderRejectedError({
          adapter: id,
          message: 'Zalo answered error 0 without a msg_id',
          status: 200,
          providerCode: 0,
        });
      }
      const quota = answer.data?.['quota'] as { remainingQuota?: unknown } | undefined;
      const remaining = Number(quota?.remainingQuota);
      return {
        providerMessageId: msgId,
        status: 'sent',
        ...(Number.isFinite(remaining) ? { details: { remainingQuota: remaining } } : {}),
      };
    },

    async verify() {
      const answer = await call('/message/quota', undefined);
      if (answer.error !== 0) throw znsDeliveryError(id, answer.error, answer.message, clock.now());
    },
  };

  const { appId, oaSecretKey } = config;
  if (appId !== undefined && oaSecretKey !== undefined) {
    adapter.parseWebhook = async (request) =>
      parseZnsWebhook(request, { adapter: id, appId, oaSecretKey, clock });
  }
  return adapter;
}
