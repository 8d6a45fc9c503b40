import { compareKeys, type DocumentStore } from '@cx/core';
import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor';
import { entryPrefix, INBOX_COLLECTION } from './inbox-keys';
import { matchesFilter } from './inbox-message';
import type { InboxMessage, InboxStatusFilter } from './inbox-types';

/** A message entry as listed, with the key and version a status change writes against. */
export interface InboxEntry {
  key: string;
  version: number;
  message: InboxMessage;
}

/** What {@link scanInbox} is asked for. */
export interface InboxScan {
  workspaceId: string;
  profileId: string;
  filter: InboxStatusFilter;
  limit: number;
  cursor: string | null;
}

/**
 * One page of a profile's entries, newest first, that match `filter`. Entries of every status
 * share one key range (a status change rewrites the document in place: the documents port cannot
 * move a key and delete the old one atomically), so a filtered listing reads past entries that do
 * not match; a page therefore costs as many storage pages as it takes to find `limit + 1`
 * matches, the extra one telling whether there is a next page at all.
 */
export async function scanInbox(
  documents: DocumentStore,
  scan: InboxScan,
): Promise<{
  entries: InboxEntry[];
  nextCursor: string | null;
}> {
  const prefix = entryPrefix(scan.profileId);
  const start = scan.cursor === null ? null : decodeInboxCursor(scan.cursor, prefix);
  // An unfiltered page needs exactly limit + 1 entries; a filtered one reads wider pages.
  const pageSize = scan.filter === 'all' ? scan.limit + 1 : Math.max(scan.limit + 1, 100);
  const found: { entry: InboxEntry; pageCursor: string | null }[] = [];
  let pageCursor = start?.c ?? null;
  let after = start?.k ?? null;

  for (;;) {
    const page = await documents.list<InboxMessage>(scan.workspaceId, INBOX_COLLECTION, {
      prefix,
      limit: pageSize,
      cursor: pageCursor,
    });
    for (const document of page.items) {
      if (after !== null && compareKeys(document.key, after) <= 0) continue;
      if (!matchesFilter(document.value.status, scan.filter)) continue;
      found.push({
        entry: { key: document.key, version: document.version, message: document.value },
        pageCursor,
      });
      if (found.length > scan.limit) break;
    }
    if (found.length > scan.limit || page.nextCursor === null) break;
    pageCursor = page.nextCursor;
    after = null;
  }

  const last = found[scan.limit - 1];
  return {
    entries: found.slice(0, scan.limit).map(({ entry }) => entry),
    nextCursor:
      found.length > scan.limit && last ? encodeInboxCursor({ c: last.pageCursor, k: last.entry.key }) : null,
  };
}
