import type { OutboundMessage } from '../../contract/outbound-message';
import type { InboxMessage, InboxStatus } from './inbox-types';

/** The inbox form of an outbound message, unread, delivered at `createdAt`. */
export function toInboxMessage(message: OutboundMessage, createdAt: string): InboxMessage {
  const { content } = message;
  // Optional fields are left out rather than set to undefined: stored JSON drops them anyway, so
  // what deliver returns is what get returns.
  return {
    id: message.id,
    profileId: message.to.profileId,
    title: content.title ?? content.subject ?? '',
    text: content.text ?? '',
    ...(content.html === undefined ? {} : { html: content.html }),
    ...(content.url === undefined ? {} : { url: content.url }),
    ...(content.icon === undefined ? {} : { icon: content.icon }),
    ...(content.image === undefined ? {} : { image: content.image }),
    ...(content.data === undefined ? {} : { data: content.data }),
    ...(message.topic === undefined ? {} : { topic: message.topic }),
    category: message.category,
    status: 'unread',
    createdAt,
  };
}

/** A status change: the message as it becomes, or `null` when it is already there (nothing to write). */
export type InboxTransition = (message: InboxMessage, now: string) => InboxMessage | null;

/** Unread → read. */
export const toRead: InboxTransition = (message, now) =>
  message.status === 'unread' ? { ...message, status: 'read', readAt: now } : null;

/** Read or archived → unread; the read and archive times go with the old status. */
export const toUnread: InboxTransition = (message) => {
  if (message.status === 'unread') return null;
  const { readAt: _readAt, archivedAt: _archivedAt, ...rest } = message;
  return { ...rest, status: 'unread' };
};

/** Unread or read → archived; `readAt` stays, so the UI still knows whether it was read. */
export const toArchived: InboxTransition = (message, now) =>
  message.status === 'archived' ? null : { ...message, status: 'archived', archivedAt: now };

/** How a change from `before` to `after` moves the unread count. */
export const unreadDelta = (before: InboxStatus, after: InboxStatus) =>
  (after === 'unread' ? 1 : 0) - (before === 'unread' ? 1 : 0);

/** Whether a message in `status` belongs in a listing for `filter`. */
export function matchesFilter(status: InboxStatus, filter: InboxStatus | 'active' | 'all'): boolean {
  if (filter === 'all') return true;
  if (filter === 'active') return status !== 'archived';
  return status === filter;
}
