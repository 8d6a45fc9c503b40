export { expectOk, type ProviderFetchOptions, providerFetch } from './adapters/shared/provider-fetch';
export { validateMessage } from './adapters/shared/validate-message';
export type { ChannelAdapter, SendOptions, SendResult, WebhookRequest } from './contract/channel-adapter';
export {
  CHANNEL_KINDS,
  type ChannelKind,
  channelKindSchema,
  type MessageCategory,
} from './contract/channel-kind';
export { DELIVERY_EVENT_TYPES, type DeliveryEvent, type DeliveryEventType } from './contract/delivery-event';
export {
  type DeviceToken,
  type MessageContent,
  type MessageLinks,
  messageContentSchema,
  type OutboundMessage,
  outboundMessageSchema,
  type PushOptions,
  type PushSubscription,
  type Recipient,
  recipientSchema,
} from './contract/outbound-message';
export {
  DeliveryError,
  type DeliveryErrorOptions,
  isDeliveryError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
  type UnreachableReason,
  WebhookSignatureError,
} from './errors/delivery-errors';
export { createLinkSigner, type LinkSigner, type LinkSignerOptions } from './links/link-signer';
export { type TrackingLinks, type TrackingPayload, trackingLinks } from './links/tracking-links';
