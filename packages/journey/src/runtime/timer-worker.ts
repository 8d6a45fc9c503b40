import { type Clock, createWorker, type EventBus, type IdleOptions, isCxError, type Worker } from '@cx/core';
import { applyStep, type StepDependencies } from './apply-step';
import type { DefinitionCache } from './definition-cache';
import { JOURNEY_COLLECTIONS, JourneyWorkingSet, type StoredInstance, TIMER_QUEUE } from './journey-store';

/** A timer's payload: the node that set it and the due time it was set for. */
export interface TimerPayload {
  node: string;
  at: number;
}

/** Options of {@link createTimerWorker}. */
export interface TimerWorkerOptions extends StepDependencies {
  definitions: DefinitionCache;
  clock: Clock;
  leaseMs?: number;
  bus?: EventBus;
  idle?: IdleOptions;
  onError: (error: unknown) => void;
}

/** How many times a timer's step is stepped again after a `CONFLICT` before the lease's end decides. */
const CONFLICT_RETRIES = 5;

/**
 * The worker of `journey.timers`: steps `{ type: 'timer', node, at }` for each due timer (key:
 * the instance id) and commits the step together with the timer's completion, fenced by its
 * token. The handler commits itself, so a `CONFLICT` on the instance (an event stepped it
 * meanwhile) is stepped again at once from the stored state instead of waiting for the lease to
 * end; the worker's own completion that follows is then refused with `CONFLICT` (the item is
 * already gone or replaced), which is expected and not reported.
 *
 * @example
 * ```ts
 * const timers = createTimerWorker({ storage, workspaceId: 'acme', channels, definitions, clock, onError });
 * await timers.drain();
 * ```
 */
export function createTimerWorker(options: TimerWorkerOptions): Worker {
  const { storage, workspaceId, clock } = options;
  return createWorker<TimerPayload>({
    storage,
    workspaceId,
    queue: TIMER_QUEUE,
    clock,
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.idle ? { idle: options.idle } : {}),
    onError: (error) => {
      if (!isCxError(error, 'CONFLICT')) options.onError(error);
    },
    handler: async (item) => {
      const claim = { queue: item.queue, key: item.key, token: item.token };
      for (let attempt = 0; ; attempt++) {
        const work = new JourneyWorkingSet(storage, workspaceId);
        const stored = await work.get<StoredInstance>(JOURNEY_COLLECTIONS.instances, item.key);
        if (!stored) return; // the instance is gone: the timer has nothing to do
        const definition = await options.definitions.version(stored.state.journeyId, stored.state.version);
        await applyStep(
          options,
          work,
          definition,
          stored,
          { type: 'timer', node: item.payload.node, at: item.payload.at },
          clock.now(),
        );
        try {
          await storage.commit(workspaceId, { ...work.toCommit(), complete: [claim] });
          return;
        } catch (error) {
          if (!isCxError(error, 'CONFLICT') || attempt >= CONFLICT_RETRIES) throw error;
          const now = await storage.work.get(workspaceId, item.queue, item.key);
          // The lease is lost (or the timer was replaced): its new holder steps it, not us.
          if (now?.token !== item.token || now.state !== 'claimed') return;
        }
      }
    },
  });
}
