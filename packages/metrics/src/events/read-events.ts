import type { CxEvent, EventType, Storage } from '@cx/core';

/** The largest page the ports return; scanning with it keeps round trips few. */
const PAGE = 10_000;

/**
 * Every event of a workspace in append order, a page at a time, through the `EventStore.scan`
 * port, so it works on every storage adapter.
 */
export async function* scanEvents(
  storage: Storage,
  workspaceId: string,
  types?: readonly EventType[],
): AsyncGenerator<CxEvent> {
  let cursor: string | null = null;
  do {
    const page = await storage.events.scan(workspaceId, {
      cursor,
      limit: PAGE,
      ...(types === undefined ? {} : { types }),
    });
    for (const event of page.items) yield event;
    cursor = page.nextCursor;
  } while (cursor !== null);
}
