import { createChannels } from '@cx/channels';
import type { Clock, Storage } from '@cx/core';
import {
  createJourneys,
  defineJourney,
  exit,
  type JourneyDefinition,
  type Journeys,
  MAX_ENTRIES_PER_CALL,
  onApi,
  wait,
} from '@cx/journey';

/** The journey the benchmarks run: three one-minute waits, then an exit. Entered through the API. */
export const waitChain = defineJourney({
  id: 'bench-waits',
  entry: onApi(),
  start: 'w1',
  nodes: [
    wait('w1', { minutes: 1 }, 'w2'),
    wait('w2', { minutes: 1 }, 'w3'),
    wait('w3', { minutes: 1 }, 'done'),
    exit('done'),
  ],
});

/** One wait, then an exit: each instance has one timer to run. */
export const singleWait = defineJourney({
  id: 'bench-wait',
  entry: onApi(),
  start: 'w1',
  nodes: [wait('w1', { minutes: 1 }, 'done'), exit('done')],
});

/** A wait node's duration, for advancing a clock past every timer. */
export const WAIT_MS = 60_000;

/** Options of {@link journeyRuntime}. */
export interface JourneyRuntimeOptions {
  storage: Storage;
  /** A fresh one per run, so instance ids start again at version 1 and entry 1. */
  workspaceId: string;
  clock: Clock;
  /** The journey to publish; default {@link waitChain}. */
  definition?: JourneyDefinition;
  /** Sleep between idle polls of the runtime's loops; the runtime's default when absent. */
  idle?: { minMs: number; maxMs: number };
}

/**
 * The real runtime on `storage`, with the journey published and a channels outbox that has no
 * adapters (the journey sends nothing).
 */
export async function journeyRuntime(options: JourneyRuntimeOptions): Promise<Journeys> {
  const { storage, clock, workspaceId } = options;
  const channels = createChannels({ storage, workspaceId, clock, adapters: [] });
  const journeys = createJourneys({
    storage,
    workspaceId,
    clock,
    channels,
    onError: (error) => {
      throw error;
    },
    ...(options.idle ? { idle: options.idle } : {}),
  });
  await journeys.publish(options.definition ?? waitChain);
  return journeys;
}

/**
 * Enters `count` people (`p<from>`…) into a journey through `Journeys.enterMany`, 1,000 per call:
 * admission, the first step and one commit per call, as an imported list is entered. Each waits
 * at its first wait.
 */
export async function enterPeople(journeys: Journeys, journeyId: string, count: number, from = 0) {
  for (let start = 0; start < count; start += MAX_ENTRIES_PER_CALL) {
    const size = Math.min(MAX_ENTRIES_PER_CALL, count - start);
    const results = await journeys.enterMany(
      journeyId,
      Array.from({ length: size }, (_, i) => ({ profileId: `p${from + start + i}` })),
    );
    if (results.some((result) => !result.entered)) throw new Error('an entry was refused');
  }
}
