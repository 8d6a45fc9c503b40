import { type Clock, type EventBus, type IdleOptions, isCxError } from '@cx/core';
import type { StepDependencies } from './apply-step';
import type { DefinitionCache } from './definition-cache';

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
