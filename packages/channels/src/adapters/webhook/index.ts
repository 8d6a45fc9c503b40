/**
 * `@cx/channels/webhook`: the webhook and chat channel, and the signature helpers for receivers
 * of cx's webhooks.
 *
 * @packageDocumentation
 */
export {
  type DeliveryStatusReport,
  type ParseDeliveryWebhookOptions,
  parseDeliveryWebhook,
} from './delivery-webhook';
export { webhookChannel } from './webhook-channel';
export type { WebhookChannelOptions, WebhookFormat } from './webhook-options';
export type { CxWebhookPayload, SlackWebhookPayload } from './webhook-payload';
export {
  signWebhookBody,
  type VerifiedWebhookSignature,
  type VerifyWebhookSignatureOptions,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  type WebhookSecret,
} from './webhook-signature';
