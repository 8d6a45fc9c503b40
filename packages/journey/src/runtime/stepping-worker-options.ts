import {
  type ClaimedWork,
  type Clock,
  type EventBus,
  type IdleOptions,
  isCxError,
  type WorkContext,
} from '@cx/core';
import type { StepDependencies } from './apply-step';
import type { DefinitionCache } from './definition-cache';
import { JourneyWorkingSet } from './journey-store';

/** What a worker that steps instances (timers, scheduled entries) needs from the runtime. */
export interface SteppingWorkerOptions extends StepDependencies {
  definitions: DefinitionCache;
  clock: Clock;
  leaseMs?: number;
  bus?: EventBus;
  idle?: IdleOptions;
  onError: (error: unknown) => void;
}

/**
 * The `createWorker` settings every stepping worker shares: its queue and batch, the runtime's
 * lease, bus and idle polling, and `onError` without the `CONFLICT`s of lost leases (the item's
 * new holder steps it).
 */
export function steppingWorkerSettings(options: SteppingWorkerOptions, queue: string, batchSize: number) {
  return {
    storage: options.storage,
    workspaceId: options.workspaceId,
    queue,
    clock: options.clock,
    batchSize,
    concurrency: 10,
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.idle ? { idle: options.idle } : {}),
    onError: (error: unknown) => {
      if (!isCxError(error, 'CONFLICT')) options.onError(error);
    },
  };
}

/** How many times an item is stepped again after a `CONFLICT` before the lease's end decides. */
const CONFLICT_RETRIES = 5;

/**
 * Steps one claimed item on its own: `step` fills a fresh working set (and returns `false` when
 * there is nothing to do), which is committed with the item's completion. A `CONFLICT` on a
 * document (another writer stepped the instance or the person's index meanwhile) steps again at
 * once from what is stored, as long as the item's lease holds; a lost lease leaves the item to
 * its new holder.
 */
export async function stepAlone<P>(
  options: SteppingWorkerOptions,
  item: ClaimedWork<P>,
  context: WorkContext,
  step: (work: JourneyWorkingSet) => Promise<boolean>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const work = new JourneyWorkingSet(options.storage, options.workspaceId);
    if (!(await step(work))) return;
    try {
      await context.commit(work.toCommit());
      return;
    } catch (error) {
      if (!isCxError(error, 'CONFLICT') || attempt >= CONFLICT_RETRIES) throw error;
      const now = await options.storage.work.get(options.workspaceId, item.queue, item.key);
      if (now?.token !== item.token || now.state !== 'claimed') return;
    }
  }
}
