import type { CxEvent, EventType, Storage } from '@cx/core';

/** The largest page the ports return; scanning with it keeps round trips few. */
const PAGE = 10_000;

/** Which events to read: some types only, and a `[from, to)` range of timestamps (ms). */
export interface EventFilter {
  types?: readonly EventType[];
  from?: number;
  to?: number;
}

/**
 * Every event of a workspace that passes `filter`, in append order, a page at a time, through
 * the `EventStore.scan` port, so it works on every storage adapter. The filter is applied by the
 * store: a SQL adapter sends back only the rows asked for. Pages let callers batch per-page work,
 * such as resolving the pages' profiles in one go.
 */
export async function* scanEventPages(
  storage: Storage,
  workspaceId: string,
  filter: EventFilter = {},
): AsyncGenerator<readonly CxEvent[]> {
  let cursor: string | null = null;
  do {
    const page = await storage.events.scan(workspaceId, {
      cursor,
      limit: PAGE,
      ...(filter.types === undefined ? {} : { types: filter.types }),
      ...(filter.from === undefined ? {} : { from: new Date(filter.from) }),
      ...(filter.to === undefined ? {} : { to: new Date(filter.to) }),
    });
    if (page.items.length > 0) yield page.items;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** Every event of a workspace that passes `filter`, in append order (see {@link scanEventPages}). */
export async function* scanEvents(
  storage: Storage,
  workspaceId: string,
  filter: EventFilter = {},
): AsyncGenerator<CxEvent> {
  for await (const page of scanEventPages(storage, workspaceId, filter)) yield* page;
}
