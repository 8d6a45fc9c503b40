import { AdapterError, NotFoundError, type PutDocumentInput, systemClock } from '@cx/core';
import type { OutboundMessage } from '../../contract/outbound-message';
import {
  MAX_IDS,
  parseDeliverable,
  parseIds,
  parseInboxOptions,
  parseListOptions,
  parseMessageId,
  parseProfileId,
} from './inbox-inputs';
import {
  counterKey,
  entryKey,
  INBOX_COLLECTION,
  type InboxCounter,
  type InboxLookup,
  lookupKey,
  seqOfEntryKey,
} from './inbox-keys';
import { type InboxTransition, toArchived, toInboxMessage, toRead, toUnread } from './inbox-message';
import { scanInbox } from './inbox-scan';
import { applyTransition, resolveEntryKeys, type StatusContext } from './inbox-status';
import type { Inbox, InboxDelivery, InboxListOptions, InboxMessage, InboxOptions } from './inbox-types';
import { retryOnConflict } from './retry-on-conflict';

/**
 * The in-app (onsite) inbox of a workspace, kept in any cx storage's documents port (collection
 * `channels.inbox`): `deliver` puts messages in, and your endpoints let each person list, count,
 * read and archive their own. Every write is one atomic `putMany` with expected versions (the
 * message, its id lookup and the profile's unread counter together), retried on `CONFLICT`, so
 * concurrent deliveries and status changes never lose an update and `unreadCount` is one read
 * that always matches the messages.
 *
 * Inputs are checked (`ValidationError`, nothing written); an id the profile does not have is
 * `NotFoundError`, whoever else has it; storage failures pass through as the adapter's errors.
 *
 * @example
 * ```ts
 * import { memoryStorage } from '@cx/core';
 * import { createInbox } from '@cx/channels/in-app';
 *
 * const inbox = createInbox({ storage: memoryStorage(), workspaceId: 'acme' });
 * await inbox.deliver({
 *   id: 'welcome-p1',
 *   channel: 'in-app',
 *   category: 'transactional',
 *   to: { profileId: 'p1' },
 *   content: { title: 'Welcome!', text: 'Your account is ready', url: 'https://app.example.com/start' },
 * });
 * const { items, nextCursor } = await inbox.list('p1'); // newest first, unread and read
 * await inbox.markRead('p1', [items[0]!.id]);
 * await inbox.unreadCount('p1'); // 0
 * ```
 */
export function createInbox(options: InboxOptions): Inbox {
  const { storage, workspaceId, clock = systemClock } = parseInboxOptions(options);
  const documents = storage.documents;
  const context: StatusContext = { documents, workspaceId, clock };

  /** The entry a lookup points at; its absence means the inbox's documents were changed by hand. */
  const readEntry = async (profileId: string, seq: number): Promise<InboxMessage> => {
    const entry = await documents.get<InboxMessage>(workspaceId, INBOX_COLLECTION, entryKey(profileId, seq));
    if (!entry) {
      throw new AdapterError({
        adapter: storage.name,
        op: 'inbox.read',
        message: `the inbox entry ${entryKey(profileId, seq)} is missing though its lookup exists`,
      });
    }
    // Keys are built from the profile id, so this never holds unless documents were copied by hand.
    if (entry.value.profileId !== profileId)
      throw new NotFoundError('No such inbox message for this profile');
    return entry.value;
  };

  const deliver = async (input: OutboundMessage): Promise<InboxDelivery> => {
    const message = parseDeliverable(input);
    const profileId = message.to.profileId;
    const lookup = lookupKey(profileId, message.id);
    const counter = counterKey(profileId);
    return retryOnConflict(async () => {
      const found = await documents.getMany<InboxLookup | InboxCounter>(workspaceId, INBOX_COLLECTION, [
        lookup,
        counter,
      ]);
      const existing = found.find((document) => document.key === lookup)?.value as InboxLookup | undefined;
      if (existing) return { message: await readEntry(profileId, existing.seq), created: false };
      const counterDocument = found.find((document) => document.key === counter);
      const current = (counterDocument?.value as InboxCounter | undefined) ?? { seq: 0, unread: 0 };
      const seq = current.seq + 1;
      const stored = toInboxMessage(message, new Date(clock.now()).toISOString());
      // All three or none: `expectedVersion: 0` on the lookup makes a concurrent second delivery of
      // the same id fail with CONFLICT; the retry then finds the lookup and returns what is stored.
      const writes: PutDocumentInput[] = [
        {
          collection: INBOX_COLLECTION,
          key: lookup,
          value: { seq } satisfies InboxLookup,
          expectedVersion: 0,
        },
        { collection: INBOX_COLLECTION, key: entryKey(profileId, seq), value: stored, expectedVersion: 0 },
        {
          collection: INBOX_COLLECTION,
          key: counter,
          value: { seq, unread: current.unread + 1 } satisfies InboxCounter,
          expectedVersion: counterDocument?.version ?? 0,
        },
      ];
      const [, entry] = await documents.putMany(workspaceId, writes);
      // The stored copy, read back from its JSON, so deliver returns exactly what get will.
      return { message: (entry?.value ?? stored) as InboxMessage, created: true };
    });
  };

  const change = (transition: InboxTransition) => async (profileId: string, ids: readonly string[]) => {
    const profile = parseProfileId(profileId);
    const keys = await resolveEntryKeys(context, profile, parseIds(ids));
    return applyTransition(context, profile, keys, transition);
  };

  const unreadCount = async (profileId: string) => {
    const counter = await documents.get<InboxCounter>(
      workspaceId,
      INBOX_COLLECTION,
      counterKey(parseProfileId(profileId)),
    );
    return counter?.value.unread ?? 0;
  };

  return {
    workspaceId,
    deliver,

    async list(profileId: string, listOptions?: InboxListOptions) {
      const profile = parseProfileId(profileId);
      const { status, limit, cursor } = parseListOptions(listOptions);
      const page = await scanInbox(documents, {
        workspaceId,
        profileId: profile,
        filter: status,
        limit,
        cursor,
      });
      return { items: page.entries.map((entry) => entry.message), nextCursor: page.nextCursor };
    },

    unreadCount,

    async get(profileId: string, id: string) {
      const profile = parseProfileId(profileId);
      const [key] = await resolveEntryKeys(context, profile, [parseMessageId(id)]);
      return readEntry(profile, seqOfEntryKey(key as string));
    },

    markRead: change(toRead),
    markUnread: change(toUnread),
    archive: change(toArchived),

    async markAllRead(profileId: string) {
      const profile = parseProfileId(profileId);
      // Only what was there when the call started: a message delivered meanwhile stays unread,
      // as the person has not seen it.
      const counter = await documents.get<InboxCounter>(workspaceId, INBOX_COLLECTION, counterKey(profile));
      const lastSeq = counter?.value.seq ?? 0;
      let changed = 0;
      let cursor: string | null = null;
      do {
        // One batch per atomic write; the cursor is key-based, so entries just marked read do not
        // shift the next page.
        const page = await scanInbox(documents, {
          workspaceId,
          profileId: profile,
          filter: 'unread',
          limit: MAX_IDS,
          cursor,
        });
        const keys = page.entries.map((entry) => entry.key).filter((key) => seqOfEntryKey(key) <= lastSeq);
        if (keys.length > 0) changed += (await applyTransition(context, profile, keys, toRead)).changed;
        cursor = page.nextCursor;
      } while (cursor !== null);
      return { changed, unreadCount: await unreadCount(profile) };
    },
  };
}
