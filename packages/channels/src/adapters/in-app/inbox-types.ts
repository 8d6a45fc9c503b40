import type { Clock, Page, Storage } from '@cx/core';
import type { MessageCategory } from '../../contract/channel-kind';
import type { OutboundMessage } from '../../contract/outbound-message';

/** Where a message stands in a person's inbox. */
export type InboxStatus = 'unread' | 'read' | 'archived';

/** Which messages {@link Inbox.list} returns: one status, `active` (unread and read) or `all`. */
export type InboxStatusFilter = InboxStatus | 'active' | 'all';

/** One message in a person's in-app inbox, as the inbox API returns it. */
export interface InboxMessage {
  /** cx's message id (the outbox's deterministic id): unique per profile, stable across redeliveries. */
  id: string;
  profileId: string;
  /** The heading: `content.title`, else `content.subject`, else empty. */
  title: string;
  /** The body text: `content.text`, else empty. */
  text: string;
  /** Rendered HTML, stored as cx's templates made it; render it in a sandbox or sanitise it. */
  html?: string;
  /** Where clicking the message goes. */
  url?: string;
  icon?: string;
  image?: string;
  /** Structured values for the app (a deep link, an order id). */
  data?: Record<string, unknown>;
  /** The subscription topic, so the UI can group or filter. */
  topic?: string;
  category: MessageCategory;
  status: InboxStatus;
  /** When it was delivered into the inbox (ISO). */
  createdAt: string;
  /** When it was last marked read (ISO); kept when it is archived, cleared when marked unread. */
  readAt?: string;
  /** When it was archived (ISO); cleared when marked unread. */
  archivedAt?: string;
}

/** Options of {@link Inbox.list}. */
export interface InboxListOptions {
  /** Default `active`: unread and read, not archived. */
  status?: InboxStatusFilter;
  /** 1 to 100; default 20. */
  limit?: number;
  /** `nextCursor` of the previous page; omit (or `null`) for the newest messages. */
  cursor?: string | null;
}

/** What a status change did. */
export interface InboxChange {
  /** How many messages changed status (a message already in the asked-for status is not counted). */
  changed: number;
  /** The profile's unread count after the change, for the badge. */
  unreadCount: number;
}

/** What {@link Inbox.deliver} did. */
export interface InboxDelivery {
  /** The message as it now stands in the inbox. */
  message: InboxMessage;
  /** False when a message with this id was already there: nothing was changed. */
  created: boolean;
}

/**
 * A per-workspace in-app inbox: what the `in-app` channel delivers into and what browser and app
 * endpoints read from. Every method takes the profile whose inbox it is; a message of another
 * profile is never returned or changed (it is `NOT_FOUND`).
 */
export interface Inbox {
  readonly workspaceId: string;
  /**
   * Puts a message into its recipient's (`to.profileId`) inbox, unread. Idempotent by `message.id`:
   * a second deliver of the same id changes nothing and returns the stored message.
   */
  deliver(message: OutboundMessage): Promise<InboxDelivery>;
  /** One page of a profile's messages, newest first. */
  list(profileId: string, options?: InboxListOptions): Promise<Page<InboxMessage>>;
  /** The number of unread messages, read from one counter document. */
  unreadCount(profileId: string): Promise<number>;
  /** One message; `NOT_FOUND` when this profile has no message with this id. */
  get(profileId: string, id: string): Promise<InboxMessage>;
  /** Unread → read. Read and archived messages are left as they are. 1 to 100 ids. */
  markRead(profileId: string, ids: readonly string[]): Promise<InboxChange>;
  /** Every message unread when the call starts → read, in batches. */
  markAllRead(profileId: string): Promise<InboxChange>;
  /** Read or archived → unread (an archived message comes back to the active inbox). 1 to 100 ids. */
  markUnread(profileId: string, ids: readonly string[]): Promise<InboxChange>;
  /** Unread or read → archived. 1 to 100 ids. */
  archive(profileId: string, ids: readonly string[]): Promise<InboxChange>;
}

/** Options of `createInbox`. */
export interface InboxOptions {
  /** Any cx storage adapter; only its documents port is used (collection `channels.inbox`). */
  storage: Storage;
  /** The workspace whose inboxes these are. */
  workspaceId: string;
  /** Where `createdAt`, `readAt` and `archivedAt` come from; defaults to the system clock. */
  clock?: Clock;
}
