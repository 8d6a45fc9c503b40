import { z } from 'zod';
import type { EventBus } from '../bus/event-bus';
import { type Clock, systemClock } from '../clock/clock';
import { ConfigError } from '../errors/errors';
import { parseOrThrow } from '../errors/from-zod';
import { newId } from '../ids/ulid';
import type { CommitInput } from '../ports/commit';
import type { Storage } from '../ports/storage';
import { parseQueueName } from '../ports/work-inputs';
import type { ClaimedWork, WorkClaim } from '../ports/work-queue';
import { isDeadLetter } from './dead-letter';
import { createPollLoop, type IdleOptions } from './poll-loop';

/** What a handler may ask for besides finishing its item. */
export interface WorkContext {
  /** The worker's id, as recorded in `owner`. */
  owner: string;
  /** Lengthens the item's lease, for work that runs longer than `leaseMs`. */
  extend(leaseMs: number): Promise<void>;
  /**
   * Commits `input` together with the item's completion now, for a handler that must see the
   * commit's outcome itself (to step again at once on a `CONFLICT`); the worker then does not
   * complete the item again. Throws what the commit throws.
   */
  commit(input: CommitInput): Promise<void>;
}

/**
 * Processes one claimed item. Return nothing to complete it, or a {@link CommitInput} to
 * complete it in the same atomic commit as the state it changed and the work it scheduled.
 * Throw to fail it: it is retried with back-off, and dead-lettered after `maxAttempts`; throw a
 * {@link DeadLetter} to dead-letter it at once.
 */
export type WorkHandler<P = unknown> = (
  item: ClaimedWork<P>,
  context: WorkContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is typed void
) => Promise<CommitInput | undefined | void>;

/**
 * Processes a whole claimed batch at once and returns one {@link CommitInput} for all of it; the
 * worker adds every item's completion and commits it in one go. Worth it where one commit per item
 * would be most of the cost (a read of many documents with `getMany`, one write transaction).
 * When it throws, or its commit is refused (a `CONFLICT` on a document another writer changed, a
 * lost lease), nothing of it is stored and each item goes through the per-item `handler` instead,
 * with its own retries: so anything it does besides the commit must be safe to do again.
 */
export type BatchWorkHandler<P = unknown> = (items: readonly ClaimedWork<P>[]) => Promise<CommitInput>;

/** Options of {@link createWorker}. */
export interface WorkerOptions<P = unknown> {
  storage: Storage;
  workspaceId: string;
  queue: string;
  handler: WorkHandler<P>;
  /** Handles batches of two or more items in one commit, with `handler` as the fallback. */
  batchHandler?: BatchWorkHandler<P>;
  /** This worker's id; default a new ULID. */
  owner?: string;
  /** Items claimed per turn; default 10. */
  batchSize?: number;
  /** Items processed at once; default `batchSize`. */
  concurrency?: number;
  /** Lease per claim; default 30 s. A worker that dies is replaced after this. */
  leaseMs?: number;
  /**
   * While a handler runs, renew its lease every `leaseMs / 2` of real time, so long work (a slow
   * provider) is not taken over while it is still alive; default true. A worker that hangs
   * keeps renewing, so give handlers their own timeouts.
   */
  heartbeat?: boolean;
  /** Attempts before an item is dead-lettered; default 5. */
  maxAttempts?: number;
  /** Delay before attempt `n + 1` after `n` failed; default 1 s · 2^(n−1), at most an hour. */
  backoff?: (attempts: number) => number;
  /** Where time comes from; the storage should share it. Default the system clock. */
  clock?: Clock;
  /** Wakes the worker early on `work.scheduled` for its workspace and queue. */
  bus?: EventBus;
  /** Sleep between idle polls; default 50 ms doubling to 5 s. */
  idle?: IdleOptions;
  /** Failures of the loop itself and of lost leases; default `console.error`. */
  onError?: (error: unknown) => void;
}

/** A running (or stopped) worker of one queue. */
export interface Worker {
  /** Polls in the background until {@link Worker.stop}. */
  start(): void;
  /** Wakes a sleeping worker now. */
  wake(): void;
  /** Claims and processes one batch of due items now; resolves to how many it processed. */
  runOnce(): Promise<number>;
  /** Runs batches until nothing is due; resolves to how many items it processed. */
  drain(): Promise<number>;
  /**
   * Stops polling. Items being processed finish; claimed items not yet started are released
   * (due again at once, the attempt not counted), so another worker takes them.
   */
  stop(): Promise<void>;
}

const optionsSchema = z.object({
  workspaceId: z.string(),
  queue: z.string(),
  owner: z.string().min(1).max(512).optional(),
  batchSize: z.number().int().min(1).max(1000).optional(),
  concurrency: z.number().int().min(1).optional(),
  leaseMs: z.number().int().min(1).optional(),
  maxAttempts: z.number().int().min(1).optional(),
  heartbeat: z.boolean().optional(),
});

const defaultBackoff = (attempts: number) => Math.min(3_600_000, 1000 * 2 ** Math.max(0, attempts - 1));

/**
 * The in-process worker loop every cx package uses for its queues: claims due items under a
 * lease, runs the handler, and completes, retries or dead-letters each, fenced by its token.
 *
 * @example
 * ```ts
 * import { createWorker, memoryStorage } from '@cx/core';
 * const storage = memoryStorage();
 * const worker = createWorker({
 *   storage,
 *   workspaceId: 'acme',
 *   queue: 'reminders',
 *   handler: async (item) => console.log('due:', item.key, item.payload),
 * });
 * await storage.work.schedule('acme', [{ queue: 'reminders', key: 'r1', payload: { text: 'hi' } }]);
 * await worker.drain(); // or worker.start() to poll in the background
 * ```
 *
 * @throws `ConfigError` for bad options.
 */
export function createWorker<P = unknown>(options: WorkerOptions<P>): Worker {
  try {
    parseOrThrow(optionsSchema, options, 'worker options');
    parseQueueName(options.workspaceId, options.queue);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  const { storage, workspaceId, queue, handler } = options;
  const owner = options.owner ?? newId();
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.concurrency ?? batchSize;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoff ?? defaultBackoff;
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? ((error: unknown) => console.error('cx worker:', error));
  let stopping = false;

  /** Renews the leases of `claims` every `leaseMs / 2` of real time; returns what stops it. */
  const renewWhileRunning = (claims: readonly WorkClaim[]) => {
    if (options.heartbeat === false) return () => {};
    const beat = setInterval(
      () => {
        // A renewal that fails means a lease is gone; the completion will say so.
        Promise.all(claims.map((claim) => storage.work.extend(workspaceId, claim, { leaseMs }))).catch(() =>
          clearInterval(beat),
        );
      },
      Math.max(1, Math.floor(leaseMs / 2)),
    );
    return () => clearInterval(beat);
  };

  const finish = async (item: ClaimedWork<P>) => {
    const claim = { queue: item.queue, key: item.key, token: item.token };
    let completed = false;
    const context: WorkContext = {
      owner,
      extend: async (ms) => {
        await storage.work.extend(workspaceId, claim, { leaseMs: ms });
      },
      commit: async (input) => {
        await storage.commit(workspaceId, { ...input, complete: [...(input.complete ?? []), claim] });
        completed = true;
      },
    };
    let outcome: Awaited<ReturnType<WorkHandler<P>>>;
    const stopRenewing = renewWhileRunning([claim]);
    try {
      outcome = await handler(item, context);
    } catch (error) {
      stopRenewing();
      const message = isDeadLetter(error)
        ? error.message
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error);
      if (isDeadLetter(error) || item.attempts >= maxAttempts) {
        await storage.work.deadLetter(workspaceId, claim, { reason: message });
      } else {
        await storage.work.retry(workspaceId, claim, {
          at: clock.now() + backoff(item.attempts),
          error: message,
        });
      }
      return;
    }
    stopRenewing();
    if (completed) {
      // The handler committed itself: a commit it returns as well would be lost silently.
      if (outcome)
        onError(new ConfigError(`worker ${queue}: a handler that calls context.commit must return nothing`));
      return;
    }
    if (outcome) {
      await storage.commit(workspaceId, { ...outcome, complete: [...(outcome.complete ?? []), claim] });
    } else {
      await storage.work.complete(workspaceId, claim);
    }
  };

  /** Processes claimed items; ones not started when a stop begins are released instead. */
  const process = async (items: ClaimedWork<P>[]) => {
    let next = 0;
    const lane = async () => {
      for (let item = items[next++]; item !== undefined; item = items[next++]) {
        try {
          if (stopping) await storage.work.release(workspaceId, item);
          else await finish(item);
        } catch (error) {
          // A lost lease (CONFLICT) means another worker owns the item now; its commit, not ours, counts.
          onError(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
    return items.length;
  };

  /** The batch in one commit; false when it must go item by item. */
  const processBatch = async (items: ClaimedWork<P>[]) => {
    if (!options.batchHandler || items.length < 2 || stopping) return false;
    const claims = items.map((item) => ({ queue: item.queue, key: item.key, token: item.token }));
    // The batch holds every lease while it runs, as the per-item path does for its item.
    const stopRenewing = renewWhileRunning(claims);
    try {
      const commit = await options.batchHandler(items);
      await storage.commit(workspaceId, { ...commit, complete: [...(commit.complete ?? []), ...claims] });
      return true;
    } catch {
      // Nothing was stored: each item's own handler decides, retries and reports.
      return false;
    } finally {
      stopRenewing();
    }
  };

  const runOnce = async () => {
    const items = await storage.work.claim<P>(workspaceId, queue, { limit: batchSize, leaseMs, owner });
    if (await processBatch(items)) return items.length;
    return process(items);
  };

  const loop = createPollLoop({
    clock,
    onError,
    ...(options.idle ? { idle: options.idle } : {}),
    tick: async () => {
      if ((await runOnce()) > 0) return { busy: true };
      const next = await storage.work.nextDueAt(workspaceId, queue);
      return { busy: false, nextAt: next === null ? null : Date.parse(next) };
    },
  });
  let unsubscribe: (() => void) | undefined;

  return {
    start() {
      if (loop.running) return;
      stopping = false;
      unsubscribe = options.bus?.subscribe('work.scheduled', (event) => {
        if (event.workspaceId === workspaceId && event.queue === queue) loop.wake();
      });
      loop.start();
    },
    wake: () => loop.wake(),
    runOnce,
    async drain() {
      let total = 0;
      for (let done = await runOnce(); done > 0; done = await runOnce()) total += done;
      return total;
    },
    async stop() {
      stopping = true;
      unsubscribe?.();
      await loop.stop();
    },
  };
}
