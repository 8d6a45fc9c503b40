import type { ChannelAdapter, WebhookRequest } from '../contract/channel-adapter';
import type { OutboundMessage } from '../contract/outbound-message';

/**
 * An adapter wired to a local stand-in for its provider (an SMTP server, an HTTP server on
 * loopback), with hooks that let the conformance suite see what the provider received and make it
 * fail. Never a mock of the adapter's client: the adapter talks to a real server.
 */
export interface ChannelHarness {
  adapter: ChannelAdapter;
  /** A message this adapter can deliver, with the given id. */
  message(id: string): OutboundMessage;
  /**
   * The ids of the messages the provider has accepted so far, once per delivery it counted. For an
   * idempotent provider, a repeated idempotency key is not counted again.
   */
  delivered(): Promise<string[]>;
  /** Makes the provider answer the next request with an outage (5xx) or a refusal (4xx). */
  failNext(failure: 'unavailable' | 'rejected'): void;
  /** A message whose recipient the channel cannot reach (no account, expired subscription). */
  unreachable?: (id: string) => OutboundMessage;
  /** Webhook requests as the provider would sign them, and forged ones. */
  webhook?: {
    valid(providerMessageId: string): WebhookRequest | Promise<WebhookRequest>;
    forged(providerMessageId: string): WebhookRequest | Promise<WebhookRequest>;
  };
  /** Stops the local provider and closes the adapter. */
  close(): Promise<void>;
}
