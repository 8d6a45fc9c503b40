import type { ChannelKind, MessageCategory } from '../contract/channel-kind';
import type { MessageContent, MessageLinks, PushOptions } from '../contract/outbound-message';

/** The queue the outbox keeps its messages in. */
export const OUTBOX_QUEUE = 'channels.outbox';
/** The collection of message records, keyed by message id. */
export const MESSAGES_COLLECTION = 'channels.messages';

/**
 * Where a message stands:
 * - `queued`: waiting for its due time (first attempt, a retry, a failover or a fallback);
 * - `held`: a quiet-hours or frequency-cap rule holds it until `dueAt`;
 * - `sending`: counted in the ledger and handed to a provider; a crash here resends with the same
 *   idempotency key;
 * - `sent`, `delivered`, `opened`, `clicked`: the provider took it (and later reported more);
 * - `failed`: every provider and fallback channel failed (dead-lettered);
 * - `suppressed`: consent stopped it on every channel of its chain;
 * - `dropped`: a contact-pressure rule dropped it.
 */
export type MessageStatus =
  | 'queued'
  | 'held'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'opened'
  | 'clicked'
  | 'failed'
  | 'suppressed'
  | 'dropped';

/** Statuses after which the dispatcher has nothing left to do. */
export const FINISHED_STATUSES: ReadonlySet<MessageStatus> = new Set([
  'sent',
  'delivered',
  'opened',
  'clicked',
  'failed',
  'suppressed',
  'dropped',
]);

/** What one dispatcher turn did with a message, for the record's history. */
export interface MessageAttempt {
  /** UTC ISO time. */
  at: string;
  channel: ChannelKind;
  /** The adapter id, when a provider was involved. */
  provider?: string;
  outcome: 'sent' | 'retry' | 'failover' | 'fallback' | 'failed' | 'held' | 'dropped' | 'suppressed';
  /** The rule that decided (consent or contact pressure), for held, dropped and suppressed. */
  rule?: string;
  /** Why, in words: the provider's error, the rule's reason. */
  reason?: string;
}

/** A message as the outbox keeps it (`channels.messages`). */
export interface MessageRecord {
  id: string;
  source: string;
  step: string;
  /** The profile the message is for (the canonical one when it was enqueued). */
  profileId: string;
  category: MessageCategory;
  topic?: string;
  /** The channels to try, in order: the fallback chain (ZNS → SMS, push → email). */
  chain: ChannelKind[];
  /** The content rendered for each channel of the chain when the message was enqueued. */
  contents: Partial<Record<ChannelKind, MessageContent>>;
  links?: MessageLinks;
  push?: PushOptions;
  locale?: string;
  timezone?: string;
  status: MessageStatus;
  /** Position in the chain: the channel, its provider, and attempts on that provider so far. */
  route: { channel: number; provider: number; attempt: number };
  /** The latest turns, oldest first (at most 50). */
  history: MessageAttempt[];
  /** The provider that took the message, and its id for it. */
  provider?: string;
  providerMessageId?: string;
  /** The channel it went out on. */
  sentOn?: ChannelKind;
  /** UTC ISO times. */
  createdAt: string;
  sentAt?: string;
  /** The rule and reason behind a `held`, `dropped`, `suppressed` or `failed` status. */
  decision?: { rule: string; reason: string };
}
