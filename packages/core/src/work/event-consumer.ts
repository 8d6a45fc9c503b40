import { z } from 'zod';
import type { EventBus } from '../bus/event-bus';
import { type Clock, systemClock } from '../clock/clock';
import { isCxError } from '../errors/cx-error';
import { ConfigError } from '../errors/errors';
import { parseOrThrow } from '../errors/from-zod';
import type { CxEvent } from '../events/cx-event';
import { newId } from '../ids/ulid';
import type { CommitInput } from '../ports/commit';
import type { Storage } from '../ports/storage';
import { assertWorkspaceId } from '../workspaces/workspace-id';
import { createPollLoop, type IdleOptions } from './poll-loop';

/** The document collection where consumers keep their checkpoints, one per consumer name. */
export const CONSUMER_CHECKPOINTS = 'core.consumers';

/** A consumer's stored checkpoint. */
export interface ConsumerCheckpoint {
  /** The log position after the last event whose effects were committed; `null`: the beginning. */
  position: string | null;
  /** Events applied so far. */
  applied: number;
}

/**
 * Derives state from a page of events. Return the documents and work that page produces: they
 * commit together with the checkpoint's move, so each event's effect lands exactly once, even
 * across a crash. Throwing leaves the checkpoint where it was; the page is read again.
 */
export type EventPageHandler = (
  events: readonly CxEvent[],
  context: { name: string; workspaceId: string },
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is typed void
) => Promise<CommitInput | undefined | void>;

/** Options of {@link createEventConsumer}. */
export interface EventConsumerOptions {
  storage: Storage;
  workspaceId: string;
  /** Names the consumer and its checkpoint: `segments.realtime`. */
  name: string;
  handler: EventPageHandler;
  /**
   * Where a consumer with no checkpoint starts: `beginning` replays the whole log (a backfill),
   * `now` skips what is already there. Default `beginning`.
   */
  startFrom?: 'beginning' | 'now';
  /** Events per page; default 100. */
  pageSize?: number;
  /** Where time comes from; default the system clock. */
  clock?: Clock;
  /** Wakes the consumer on `events.appended` for its workspace. */
  bus?: EventBus;
  /** Sleep between idle polls; default 50 ms doubling to 5 s. */
  idle?: IdleOptions;
  /**
   * How long one instance keeps the right to consume (a lease); default 30 s. Instances of the
   * same name in several processes take turns; the checkpoint's version check keeps even a
   * late one from applying a page twice.
   */
  leaseMs?: number;
  onError?: (error: unknown) => void;
}

/** A consumer of one workspace's event log. */
export interface EventConsumer {
  readonly name: string;
  /** Processes one page; resolves to how many events it applied (0 when caught up or not the lease holder). */
  poll(): Promise<number>;
  /** Polls until caught up; resolves to how many events it applied. */
  drain(): Promise<number>;
  /** Events appended after the checkpoint: how far behind the head the consumer is. */
  lag(): Promise<number>;
  /** The stored checkpoint, or `null` before the first poll. */
  checkpoint(): Promise<ConsumerCheckpoint | null>;
  start(): void;
  wake(): void;
  /** Stops after the current page; releases the lease. */
  stop(): Promise<void>;
}

const optionsSchema = z.object({
  workspaceId: z.string(),
  name: z.string().regex(/^[a-z][a-z0-9_.-]{0,127}$/, 'Consumer names look like segments.realtime'),
  startFrom: z.enum(['beginning', 'now']).optional(),
  pageSize: z.number().int().min(1).max(10_000).optional(),
  leaseMs: z.number().int().min(1).optional(),
});

/**
 * Follows a workspace's event log from a stored checkpoint, in append order. Each page's derived
 * state commits in one step with the checkpoint's move, so a crash at any point neither loses
 * an event nor applies one twice. The bus only wakes it up; the log is the source of truth.
 *
 * @example
 * ```ts
 * import { createEventConsumer, memoryStorage } from '@cx/core';
 * const storage = memoryStorage();
 * const counter = createEventConsumer({
 *   storage,
 *   workspaceId: 'acme',
 *   name: 'example.counter',
 *   handler: async (events) => {
 *     const current = await storage.documents.get<number>('acme', 'example', 'count');
 *     const count = (current?.value ?? 0) + events.length;
 *     return { documents: [{ collection: 'example', key: 'count', value: count, expectedVersion: current?.version ?? 0 }] };
 *   },
 * });
 * await counter.drain();
 * ```
 *
 * @throws `ConfigError` for bad options.
 */
export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  try {
    parseOrThrow(optionsSchema, options, 'consumer options');
    assertWorkspaceId(options.workspaceId);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  const { storage, workspaceId, name, handler } = options;
  const pageSize = options.pageSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? ((error: unknown) => console.error(`cx consumer ${name}:`, error));
  const owner = newId();
  const leaseKey = `consumer:${name}`;
  let leaseUntil = 0;

  /** Holds the consumer's lease, renewing it when half of it has passed. */
  const holdLease = async () => {
    if (clock.now() < leaseUntil - leaseMs / 2) return true;
    const lease = await storage.leases.acquire(workspaceId, { key: leaseKey, owner, ttlMs: leaseMs });
    leaseUntil = lease === null ? 0 : Date.parse(lease.expiresAt);
    return lease !== null;
  };

  const readCheckpoint = () =>
    storage.documents.get<ConsumerCheckpoint>(workspaceId, CONSUMER_CHECKPOINTS, name);

  /** The checkpoint and its version, creating it on first use. */
  const currentCheckpoint = async () => {
    const stored = await readCheckpoint();
    if (stored) return { checkpoint: stored.value, version: stored.version };
    const position = options.startFrom === 'now' ? await storage.events.logHead(workspaceId) : null;
    const created = await storage.documents
      .put<ConsumerCheckpoint>(workspaceId, {
        collection: CONSUMER_CHECKPOINTS,
        key: name,
        value: { position, applied: 0 },
        expectedVersion: 0,
      })
      .catch(async (error) => {
        if (!isCxError(error, 'CONFLICT')) throw error;
        return (await readCheckpoint())!; // another instance created it first
      });
    return { checkpoint: created.value, version: created.version };
  };

  /** Applies one page: how many events, or `conflict` when another writer got there first. */
  const step = async (): Promise<number | 'conflict'> => {
    if (!(await holdLease())) return 0;
    const { checkpoint, version } = await currentCheckpoint();
    for (let limit = pageSize; ; ) {
      const page = await storage.events.readLog(workspaceId, { after: checkpoint.position, limit });
      if (page.items.length === 0) return 0;
      const derived = (await handler(page.items, { name, workspaceId })) ?? {};
      const moved: ConsumerCheckpoint = {
        position: page.position,
        applied: checkpoint.applied + page.items.length,
      };
      try {
        await storage.commit(workspaceId, {
          ...derived,
          documents: [
            ...(derived.documents ?? []),
            { collection: CONSUMER_CHECKPOINTS, key: name, value: moved, expectedVersion: version },
          ],
        });
      } catch (error) {
        // Another instance moved the checkpoint (or the handler's own state) first: nothing of
        // this page was written, and the next poll starts from the stored checkpoint.
        if (isCxError(error, 'CONFLICT')) return 'conflict';
        // A page whose work is more than one commit takes (over 1,000 items scheduled): apply
        // it in halves. A single event refused is a real error.
        if (isCxError(error, 'VALIDATION') && page.items.length > 1) {
          limit = Math.ceil(page.items.length / 2);
          continue;
        }
        throw error;
      }
      return page.items.length;
    }
  };

  const poll = async () => {
    const applied = await step();
    return applied === 'conflict' ? 0 : applied;
  };

  const loop = createPollLoop({
    clock,
    onError,
    ...(options.idle ? { idle: options.idle } : {}),
    tick: async () => ({ busy: (await poll()) > 0 }),
  });
  let unsubscribe: (() => void) | undefined;

  return {
    name,
    poll,
    async drain() {
      let total = 0;
      // A conflict means the page is to be read again from the stored checkpoint: try again a
      // few times before deciding that another writer is busy with this consumer's state.
      for (let conflicts = 0; conflicts < 5; ) {
        const applied = await step();
        if (applied === 'conflict') conflicts += 1;
        else if (applied === 0) break;
        else total += applied;
      }
      return total;
    },
    async lag() {
      const stored = await readCheckpoint();
      if (!stored && options.startFrom === 'now') return 0;
      return storage.events.countAfter(workspaceId, stored?.value.position ?? null);
    },
    async checkpoint() {
      return (await readCheckpoint())?.value ?? null;
    },
    start() {
      if (loop.running) return;
      unsubscribe = options.bus?.subscribe('events.appended', (event) => {
        if (event.workspaceId === workspaceId) loop.wake();
      });
      loop.start();
    },
    wake: () => loop.wake(),
    async stop() {
      unsubscribe?.();
      await loop.stop();
      if (leaseUntil > 0) await storage.leases.release(workspaceId, { key: leaseKey, owner });
      leaseUntil = 0;
    },
  };
}
