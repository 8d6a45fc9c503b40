import { type Clock, systemClock } from '../clock/clock';
import { createIdGenerator, type IdGenerator } from '../ids/ulid';
import { assertEventsAppended, noEventsAppended } from '../ports/events-not-appended';
import type { Storage } from '../ports/storage';
import { parseCommit } from '../ports/work-inputs';
import { memoryDocuments } from './memory-document-store';
import { memoryEvents } from './memory-event-store';
import { memoryLeaseStore } from './memory-lease-store';
import { memoryProfiles } from './memory-profile-store';
import { memoryWork } from './memory-work-queue';

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
  const documents = memoryDocuments({ clock });
  const work = memoryWork({ clock });
  const events = memoryEvents();
  const profiles = memoryProfiles({ clock, newId });
  return {
    name: 'memory',
    capabilities: { sql: false, persistent: false, multiProcess: false },
    events: events.store,
    profiles: profiles.store,
    leases: memoryLeaseStore({ clock }),
    documents: documents.store,
    work: work.queue,
    async commit(workspaceId, input) {
      const parsed = parseCommit(workspaceId, input);
      // Check everything, then write everything, with no await between: one atomic step.
      documents.check(workspaceId, parsed.documents);
      work.check(workspaceId, parsed);
      // Profile writes are checked as they apply, then the events (the order of the SQL stores),
      // and the writes are undone if either fails.
      const prepared = parsed.events;
      profiles.applyWrites(workspaceId, parsed.profiles, () => {
        if (prepared !== null)
          assertEventsAppended(events.check(workspaceId, prepared), parsed.eventsMustBeNew);
      });
      const appended =
        parsed.events === null ? noEventsAppended() : events.insert(workspaceId, parsed.events);
      const scheduled = work.apply(workspaceId, parsed);
      return { documents: documents.write(workspaceId, parsed.documents), scheduled, appended };
    },
    async close() {},
  };
}
