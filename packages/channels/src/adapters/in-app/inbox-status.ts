import { type Clock, type DocumentStore, NotFoundError, type PutDocumentInput } from '@cx/core';
import {
  counterKey,
  entryKey,
  INBOX_COLLECTION,
  type InboxCounter,
  type InboxLookup,
  lookupKey,
} from './inbox-keys';
import { type InboxTransition, unreadDelta } from './inbox-message';
import type { InboxChange, InboxMessage } from './inbox-types';
import { retryOnConflict } from './retry-on-conflict';

/** What a status change works on. */
export interface StatusContext {
  documents: DocumentStore;
  workspaceId: string;
  clock: Clock;
}

/**
 * The entry keys of a profile's messages, in the order of `ids`. Lookups live under the profile's
 * own keys, so another profile's message id is simply not found here. Any unknown id is a
 * `NotFoundError` before anything is written.
 */
export async function resolveEntryKeys(
  context: StatusContext,
  profileId: string,
  ids: readonly string[],
): Promise<string[]> {
  const keys = ids.map((id) => lookupKey(profileId, id));
  const lookups = await context.documents.getMany<InboxLookup>(context.workspaceId, INBOX_COLLECTION, keys);
  const seqByKey = new Map(lookups.map((lookup) => [lookup.key, lookup.value.seq]));
  const missing = ids.filter((_id, index) => !seqByKey.has(keys[index] as string));
  if (missing.length > 0) {
    throw new NotFoundError(`No inbox message ${missing.map((id) => `"${id}"`).join(', ')} for this profile`);
  }
  return keys.map((key) => entryKey(profileId, seqByKey.get(key) as number));
}

/**
 * Applies `transition` to the entries under `keys` and moves the unread counter by the difference,
 * in one `putMany` whose expected versions make it a compare-and-set: if anyone changed one of
 * these documents meanwhile, nothing is written and the whole step runs again on fresh reads.
 * Entries already in the target status are not written at all. The counter is written on every
 * change, even one that leaves the count as it was (read → archived), so every write to a
 * profile's inbox goes through the counter's version and no two can interleave.
 */
export function applyTransition(
  context: StatusContext,
  profileId: string,
  keys: readonly string[],
  transition: InboxTransition,
): Promise<InboxChange> {
  const counter = counterKey(profileId);
  return retryOnConflict(async () => {
    const documents = await context.documents.getMany<InboxMessage | InboxCounter>(
      context.workspaceId,
      INBOX_COLLECTION,
      [...keys, counter],
    );
    const byKey = new Map(documents.map((document) => [document.key, document]));
    const counterDocument = byKey.get(counter);
    const current = (counterDocument?.value as InboxCounter | undefined) ?? { seq: 0, unread: 0 };
    const now = new Date(context.clock.now()).toISOString();
    const writes: PutDocumentInput[] = [];
    let delta = 0;
    for (const key of keys) {
      const entry = byKey.get(key);
      const message = entry?.value as InboxMessage | undefined;
      // A lookup without its entry, or an entry of someone else, is treated as absent.
      if (!entry || !message || message.profileId !== profileId) {
        throw new NotFoundError(`An inbox message of this profile is missing (${key})`);
      }
      const next = transition(message, now);
      if (next === null) continue;
      delta += unreadDelta(message.status, next.status);
      writes.push({ collection: INBOX_COLLECTION, key, value: next, expectedVersion: entry.version });
    }
    if (writes.length === 0) return { changed: 0, unreadCount: current.unread };
    const unread = Math.max(0, current.unread + delta);
    writes.push({
      collection: INBOX_COLLECTION,
      key: counter,
      value: { seq: current.seq, unread } satisfies InboxCounter,
      expectedVersion: counterDocument?.version ?? 0,
    });
    await context.documents.putMany(context.workspaceId, writes);
    return { changed: writes.length - 1, unreadCount: unread };
  });
}
