import { CHANNELS_LIBRARY } from '@cx/channels';
import type { CxEvent } from '@cx/core';
import { JOURNEY_LIBRARY } from '../runtime/profile-events';
import type { SimulationOptions, SimulationSource } from './simulation-types';

/** The history, ready to replay: oldest first, and what was left out. */
export interface SimulationHistory {
  /** Events to replay, by `timestamp` (ties in the order they were read). */
  events: CxEvent[];
  read: number;
  skipped: number;
}

/** Libraries whose events are effects of journeys and messages, which the simulation makes anew. */
const GENERATED_BY: ReadonlySet<string> = new Set([JOURNEY_LIBRARY, CHANNELS_LIBRARY]);

const isSource = (events: SimulationOptions['events']): events is SimulationSource =>
  typeof events === 'object' && events !== null && 'storage' in events && 'workspaceId' in events;

const isoOf = (time: string | number | Date) => new Date(time).toISOString();

/** Every event of a source's time range, a page of `events.scan` at a time. */
async function* scanSource(source: SimulationSource): AsyncIterable<CxEvent> {
  let cursor: string | null = null;
  do {
    const page: { items: CxEvent[]; nextCursor: string | null } = await source.storage.events.scan(
      source.workspaceId,
      {
        limit: 1000,
        cursor,
        ...(source.from === undefined ? {} : { from: isoOf(source.from) }),
        ...(source.to === undefined ? {} : { to: isoOf(source.to) }),
      },
    );
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * Reads the history into memory and puts it in time order, since a log is in append order and a
 * late event must still happen at its own time. Events written by the journey runtime or by
 * `@cx/channels` (journey steps, message deliveries of the real run) are skipped: replaying them
 * would mix the real run's outcomes into the simulated one.
 *
 * @example
 * ```ts
 * const { events } = await readHistory({ storage, workspaceId: 'shop', from: '2026-03-01' });
 * ```
 */
export async function readHistory(input: SimulationOptions['events']): Promise<SimulationHistory> {
  const source = isSource(input) ? scanSource(input) : input;
  const events: CxEvent[] = [];
  let read = 0;
  for await (const event of source) {
    read += 1;
    const library = event.context?.library?.name;
    if (library !== undefined && GENERATED_BY.has(library)) continue;
    events.push(event);
  }
  // Array#sort is stable: events at the same instant keep their log order.
  events.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  return { events, read, skipped: read - events.length };
}

/** Whether the events option names a source storage. */
export { isSource as isSimulationSource };
