import type { ChannelKind } from './channel-kind';

/** What happened to a message, as providers report it, normalised. */
export const DELIVERY_EVENT_TYPES = [
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'unsubscribed',
  'failed',
] as const;

/** One of {@link DELIVERY_EVENT_TYPES}. */
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

/** A delivery event, from a provider's webhook or from cx itself (sends, tracking links). */
export interface DeliveryEvent {
  type: DeliveryEventType;
  /** The provider's id of the message, as `send` returned it; webhooks know only this one. */
  providerMessageId?: string;
  /** cx's message id, where the event carries it (tracking links, cx's own records). */
  messageId?: string;
  channel?: ChannelKind;
  /** When it happened (ISO). */
  at: string;
  /** The provider's own id of this event, so a webhook delivered twice is recorded once. */
  providerEventId?: string;
  /** For `bounced`: a hard bounce suppresses the address; a soft one does not. */
  bounce?: 'hard' | 'soft';
  /** For `clicked`: the link. */
  url?: string;
  /** For `failed` and `bounced`: the provider's words. */
  reason?: string;
}
