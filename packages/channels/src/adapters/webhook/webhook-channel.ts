import { systemClock } from '@cx/core';
import type { ChannelAdapter, SendOptions, SendResult } from '../../contract/channel-adapter';
import type { OutboundMessage } from '../../contract/outbound-message';
import { RecipientUnreachableError } from '../../errors/delivery-errors';
import { expectOk, providerFetch } from '../shared/provider-fetch';
import { validateMessage } from '../shared/validate-message';
import { parseDeliveryWebhook } from './delivery-webhook';
import { parseWebhookOptions, type WebhookChannelOptions } from './webhook-options';
import { REQUIRED_CONTENT, webhookPayload } from './webhook-payload';
import { signWebhookBody, webhookSecrets } from './webhook-signature';
import { webhookTarget } from './webhook-target';

/**
 * The webhook channel: posts each message as JSON to an HTTP endpoint (your own service, Zapier,
 * a CRM) or, with `format: 'slack'`, as chat text to a Slack or Google Chat incoming webhook.
 *
 * Every request is signed (`X-Cx-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<body>")>`, checked by `verifyWebhookSignature`) and carries `X-Cx-Message-Id` and
 * `Idempotency-Key: <message.id>`: a retried send repeats the key, and receivers drop a key they
 * have seen, so with the `cx` format the adapter is `idempotent`. Chat services do not dedupe by
 * the header, so with `slack` it is not.
 *
 * The endpoint is `to.url` when the message names one (limit it with `allowedHosts`), else `url`;
 * redirects are not followed. Answers: 2xx is success;
 * 5xx, 429, 408 and network errors or timeouts are retryable (`ProviderUnavailableError`); 410 Gone
 * means the endpoint was removed (`RecipientUnreachableError`, reason `subscription-expired`); any
 * other 4xx is a `ProviderRejectedError`.
 *
 * `parseWebhook` reads delivery reports sent back in cx's generic format
 * ({@link parseDeliveryWebhook}), verified with the same secret(s).
 *
 * @example
 * ```ts
 * import { webhookChannel } from '@cx/channels/webhook';
 *
 * const crm = webhookChannel({ secret: process.env.CX_WEBHOOK_SECRET!, url: 'https://crm.example.com/hooks/cx' });
 * const slack = webhookChannel({
 *   id: 'slack-sales',
 *   secret: process.env.CX_WEBHOOK_SECRET!,
 *   url: process.env.SLACK_WEBHOOK_URL!,
 *   format: 'slack',
 * });
 * await slack.send({
 *   id: 'deal-42-won',
 *   channel: 'webhook',
 *   category: 'transactional',
 *   to: { profileId: 'p1' },
 *   content: { title: 'Deal won', text: 'Acme signed the annual plan' },
 * });
 * ```
 */
export function webhookChannel(options: WebhookChannelOptions): ChannelAdapter {
  const config = parseWebhookOptions(options);
  const secrets = webhookSecrets(config.secret);
  const clock = config.clock ?? systemClock;
  const adapter = config.id;
  // Without a default URL each message must name its endpoint; checked before any request.
  const required = [REQUIRED_CONTENT[config.format], ...(config.url === undefined ? ['to.url'] : [])];

  return {
    id: adapter,
    channel: 'webhook',
    idempotent: config.format === 'cx',

    async send(input: OutboundMessage, sendOptions?: SendOptions): Promise<SendResult> {
      const message = validateMessage(adapter, 'webhook', input, required);
      const url = webhookTarget(adapter, message.to.url, config.url, config.allowedHosts);
      const now = clock.now();
      const body = JSON.stringify(webhookPayload(message, config.format, new Date(now).toISOString()));
      const response = await providerFetch(url, {
        adapter,
        method: 'POST',
        // A redirect is answered, not followed: following it would post the signed body to an
        // address nobody configured. A 3xx is then a refusal.
        redirect: 'manual',
        timeoutMs: config.timeoutMs,
        ...(sendOptions?.signal ? { signal: sendOptions.signal } : {}),
        headers: {
          ...config.headers,
          'content-type': 'application/json',
          'x-cx-signature': signWebhookBody(secrets, body, Math.floor(now / 1000)),
          'x-cx-message-id': message.id,
          'idempotency-key': message.id,
        },
        body,
      });
      if (response.status === 410) {
        await response.body?.cancel();
        throw new RecipientUnreachableError({
          adapter,
          message: `410 Gone: the endpoint ${new URL(url).host} was removed`,
          status: 410,
          reason: 'subscription-expired',
        });
      }
      await expectOk(adapter, response);
      // The answer's body means nothing to cx; reading it lets the connection be reused.
      await response.arrayBuffer().catch(() => undefined);
      return {
        providerMessageId: message.id,
        // A chat service that answered 2xx has posted the message; a custom endpoint has only taken it.
        status: config.format === 'slack' ? 'delivered' : 'sent',
        details: { httpStatus: response.status },
      };
    },

    parseWebhook(request) {
      return parseDeliveryWebhook(request, {
        secret: secrets,
        toleranceSeconds: config.toleranceSeconds,
        now: clock.now(),
      });
    },
  };
}
