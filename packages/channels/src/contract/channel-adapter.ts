import type { ChannelKind } from './channel-kind';
import type { DeliveryEvent } from './delivery-event';
import type { OutboundMessage } from './outbound-message';

/** What a provider said when it accepted a message. */
export interface SendResult {
  /** The provider's id of the message, for its webhooks. */
  providerMessageId: string;
  /** `sent` (accepted by the provider), `queued` (accepted for later) or `delivered` (in the inbox). */
  status: 'sent' | 'queued' | 'delivered';
  /** Provider-specific facts worth keeping (SMS segments and encoding, cost estimate). */
  details?: Record<string, string | number | boolean>;
}

/** Options of one {@link ChannelAdapter.send}. */
export interface SendOptions {
  /** Aborts the request (the dispatcher's timeout). */
  signal?: AbortSignal;
}

/** An HTTP request as a webhook endpoint received it: the raw body is what signatures cover. */
export interface WebhookRequest {
  method: string;
  /** The full URL the provider called (some providers sign it). */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** The raw body, exactly as received. */
  body: string;
}

/**
 * A delivery provider for one channel. Small on purpose: `send` is the whole requirement; the rest
 * are optional capabilities the dispatcher checks for. Adapters are factories that take their
 * client or credentials: `smtpEmail({ transport })`, `twilioSms({ accountSid, authToken })`.
 *
 * Contract (proved by `runChannelConformance` from `@cx/channels/testing`):
 * - `send` validates the message first and throws `ValidationError` without calling the provider
 *   when it lacks what the channel needs;
 * - a provider that is down, overloaded or answers 5xx/429 gives a {@link ProviderUnavailableError}
 *   (retried, then failed over); a request the provider refuses (4xx) gives a
 *   {@link ProviderRejectedError} (not retried); a recipient the channel cannot reach (no Zalo
 *   account, an expired push subscription, an invalid number) gives a
 *   {@link RecipientUnreachableError} (the fallback channel takes over);
 * - adapters whose provider dedupes by a key send `message.id` as that key and say so in
 *   `idempotent`;
 * - `parseWebhook` verifies the request's signature before it believes a word of it, and throws
 *   {@link WebhookSignatureError} when it does not hold.
 */
export interface ChannelAdapter {
  /** Unique among the adapters of a setup: `smtp`, `twilio`, `zns`, `fcm`. */
  readonly id: string;
  readonly channel: ChannelKind;
  /** True when the provider drops a second request with the same idempotency key. */
  readonly idempotent?: boolean;
  /** Sends one message. */
  send(message: OutboundMessage, options?: SendOptions): Promise<SendResult>;
  /** Verifies and normalises a provider's delivery webhook. */
  parseWebhook?(request: WebhookRequest): Promise<DeliveryEvent[]>;
  /** Checks credentials and connectivity (an SMTP `NOOP`, a token fetch). */
  verify?(): Promise<void>;
  /** Closes pools and connections the adapter opened itself. */
  close?(): Promise<void>;
}
