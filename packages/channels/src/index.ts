export { expectOk, type ProviderFetchOptions, providerFetch } from './adapters/shared/provider-fetch';
export { validateMessage } from './adapters/shared/validate-message';
export * from './consent';
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
  type Channels,
  type ChannelsOptions,
  createChannels,
  type DispatcherOptions,
} from './create-channels';
export { CHANNELS_LIBRARY, MESSAGE_EVENTS, messageEvent } from './delivery/message-events';
export { PROVIDER_INDEX_COLLECTION } from './delivery/provider-index';
export { type RecordedDeliveries, recordDeliveryEvents } from './delivery/record-delivery-events';
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
export { LEDGER_COLLECTION } from './ledger/contact-ledger';
export { createLinkSigner, type LinkSigner, type LinkSignerOptions } from './links/link-signer';
export {
  type MessageLinkBuilder,
  messageLinks,
  type PreferencesToken,
  type ProfileToken,
  tokenWorkspace,
  type UnsubscribeToken,
} from './links/message-links';
export { type TrackingLinks, type TrackingPayload, trackingLinks } from './links/tracking-links';
export type { PreparedSend, SendReceipt } from './outbox/enqueue-message';
export { messageIdFor } from './outbox/message-id';
export {
  FINISHED_STATUSES,
  MESSAGES_COLLECTION,
  type MessageAttempt,
  type MessageRecord,
  type MessageStatus,
  OUTBOX_QUEUE,
} from './outbox/message-record';
export { type RetryPolicy, retryDelayMs } from './outbox/retry-policy';
export { type SendRequest, sendRequestSchema } from './outbox/send-request';
export * from './pressure';
export {
  createDeviceRegistry,
  DEVICES_COLLECTION,
  type DeviceRegistry,
  type ProfileDevices,
} from './recipients/device-registry';
export { type RecipientTraits, resolveRecipient } from './recipients/resolve-recipient';
export * from './templates';
