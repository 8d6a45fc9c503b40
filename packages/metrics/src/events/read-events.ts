import type { CxEvent, EventType, Storage } from '@cx/core';

/** The largest page the ports return; scanning with it keeps round trips few. */
const PAGE = 10_000;

/**
 * Every event of a workspace in append order, a page at a time, through the `EventStore.scan`
 * port, so it works on every storage adapter. Pages let callers batch per-page work, such as
 * resolving the pages' profiles in one go.
 */
export async function* scanEventPages(
  storage: Storage,
  workspaceId: string,
  types?: readonly EventType[],
): AsyncGenerator<readonly CxEvent[]> {
  let cursor: string | null = null;
  do {
    const page = await storage.events.scan(workspaceId, {
      cursor,
      limit: PAGE,
      ...(types === undefined ? {} : { types }),
    });
    if (page.items.length > 0) yield page.items;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** Every event of a workspace in append order (see {@link scanEventPages}). */
export async function* scanEvents(
  storage: Storage,
  workspaceId: string,
  types?: readonly EventType[],
): AsyncGenerator<CxEvent> {
  for await (const page of scanEventPages(storage, workspaceId, types)) yield* page;
}
