import { type Clock, systemClock } from '../clock/clock';
import { createIdGenerator, type IdGenerator } from '../ids/ulid';
import type { Storage } from '../ports/storage';
import { memoryDocumentStore } from './memory-document-store';
import { memoryEventStore } from './memory-event-store';
import { memoryLeaseStore } from './memory-lease-store';
import { memoryProfileStore } from './memory-profile-store';

/** Options for {@link memoryStorage}. */
export interface MemoryStorageOptions {
  /** Where time comes from (profile timestamps, lease expiry); defaults to the system clock. */
  clock?: Clock;
  /** Makes profile ids; defaults to monotonic ULIDs on `clock`. */
  newId?: IdGenerator;
}

/**
 * The in-memory storage adapter: the reference implementation of every port, for tests,
 * simulations and single-process use where nothing needs to survive a restart.
 *
 * @example
 * ```ts
 * import { memoryStorage, normalizeEvent } from '@cx/core';
 * const storage = memoryStorage();
 * await storage.events.append('acme', [normalizeEvent({ type: 'track', event: 'Signed Up', userId: 'u1' })]);
 * ```
 */
export function memoryStorage(options: MemoryStorageOptions = {}): Storage {
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? createIdGenerator(clock);
  return {
    name: 'memory',
    capabilities: { sql: false, persistent: false, multiProcess: false },
    events: memoryEventStore(),
    profiles: memoryProfileStore({ clock, newId }),
    leases: memoryLeaseStore({ clock }),
    documents: memoryDocumentStore({ clock }),
    async close() {},
  };
}
