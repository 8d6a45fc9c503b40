import { type ClaimedWork, createWorker, type Worker } from '@cx/core';
import { applyStep } from './apply-step';
import { JOURNEY_COLLECTIONS, JourneyWorkingSet, type StoredInstance, TIMER_QUEUE } from './journey-store';
import { type SteppingWorkerOptions, stepAlone, steppingWorkerSettings } from './stepping-worker-options';

/** A timer's payload: the node that set it and the due time it was set for. */
export interface TimerPayload {
  node: string;
  at: number;
}

/** Options of {@link createTimerWorker}. */
export type TimerWorkerOptions = SteppingWorkerOptions;

/** Timers claimed and stepped together in one commit. */
const TIMER_BATCH = 200;

/**
 * The worker of `journey.timers`: steps `{ type: 'timer', node, at }` for each due timer (key:
 * the instance id) and commits the steps together with the timers' completions, fenced by their
 * tokens.
 *
 * Due timers are claimed up to 200 at a time and stepped as one batch: their instances, people
 * and indexes are read with one `getMany` each, every step runs in memory, and one commit holds
 * them all. When that commit is refused (an event stepped one of the instances meanwhile), each
 * timer is stepped again on its own, committing itself so that a `CONFLICT` on its instance is
 * stepped again at once from the stored state instead of waiting for the lease to end. Sends
 * are idempotent, so a batch stepped again re-sends nothing.
 *
 * @example
 * ```ts
 * const timers = createTimerWorker({ storage, workspaceId: 'acme', channels, definitions, clock, onError });
 * await timers.drain();
 * ```
 */
export function createTimerWorker(options: TimerWorkerOptions): Worker {
  const { storage, workspaceId, clock } = options;
  const timerInput = (item: ClaimedWork<TimerPayload>) =>
    ({ type: 'timer', node: item.payload.node, at: item.payload.at }) as const;
  return createWorker<TimerPayload>({
    // A timer whose lease was lost or that was replaced: its new holder steps it.
    ...steppingWorkerSettings(options, TIMER_QUEUE, TIMER_BATCH),
    batchHandler: async (items) => {
      const work = new JourneyWorkingSet(storage, workspaceId);
      await work.preload(
        JOURNEY_COLLECTIONS.instances,
        items.map((item) => item.key),
      );
      const due: { item: ClaimedWork<TimerPayload>; stored: StoredInstance }[] = [];
      for (const item of items) {
        const stored = await work.get<StoredInstance>(JOURNEY_COLLECTIONS.instances, item.key);
        if (stored) due.push({ item, stored }); // a gone instance: its timer has nothing to do
      }
      const people = due.map(({ stored }) => stored.state.profileId);
      await Promise.all([work.preloadProfiles(people), work.preload(JOURNEY_COLLECTIONS.profiles, people)]);
      const now = clock.now();
      for (const { item, stored } of due) {
        const definition = await options.definitions.version(stored.state.journeyId, stored.state.version);
        await applyStep(options, work, definition, stored, timerInput(item), now);
      }
      return work.toCommit();
    },
    handler: (item, context) =>
      // A timer whose lease is lost (or that was replaced) is its new holder's to step.
      stepAlone(options, item, context, async (work) => {
        const stored = await work.get<StoredInstance>(JOURNEY_COLLECTIONS.instances, item.key);
        if (!stored) return false; // the instance is gone: the timer has nothing to do
        const definition = await options.definitions.version(stored.state.journeyId, stored.state.version);
        await applyStep(options, work, definition, stored, timerInput(item), clock.now());
        return true;
      }),
  });
}
