import type { CommitInput, CommitResult } from './commit';
import type { DocumentStore } from './document-store';
import type { EventStore } from './event-store';
import type { LeaseStore } from './lease-store';
import type { ProfileStore } from './profile-store';
import type { WorkQueue } from './work-queue';

/**
 * What an adapter can do beyond the required ports. Code that needs a capability checks it
 * here; the conformance suite runs a capability's tests only where it is declared.
 */
export interface StorageCapabilities {
  /** `storage.sql` runs raw SQL against the backing database. */
  sql: boolean;
  /** Data survives closing and reopening the adapter. */
  persistent: boolean;
  /** Several processes may use the same backing store at once. */
  multiProcess: boolean;
}

/** Table names of a SQL adapter, quoted and schema-qualified where needed. */
export interface SqlTables {
  /** `(workspace_id, seq, message_id, type, ts, profile_id, body)`; `ts` in epoch ms, `body` the event JSON. */
  events: string;
  /** `(workspace_id, id, traits, merged_into, created_at, updated_at, version)`. */
  profiles: string;
  /** `(workspace_id, type, value, profile_id, ordinal)`. */
  identifiers: string;
}

/** Raw SQL access, present when `capabilities.sql` is true. Parameters use the dialect's placeholders. */
export interface SqlAccess {
  /** The SQL dialect: `sqlite` or `postgres`. */
  dialect: 'sqlite' | 'postgres';
  /**
   * The qualified names of the adapter's tables, for packages that push work into SQL (funnels,
   * cohorts). Every adapter keeps the same columns; see docs/writing-a-storage-adapter.md.
   */
  tables: SqlTables;
  /** Runs one statement and returns its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * One storage backend: every port, plus declared capabilities. Adapters are factories such as
 * `memoryStorage()`, `sqliteStorage({ filename })` and `postgresStorage({ pool })`.
 */
export interface Storage {
  /** The adapter's name, used in `AdapterError`s: `memory`, `sqlite`, `postgres`. */
  readonly name: string;
  readonly capabilities: StorageCapabilities;
  readonly events: EventStore;
  readonly profiles: ProfileStore;
  readonly leases: LeaseStore;
  /** Small versioned JSON documents (definitions, assignments, state) by collection and key. */
  readonly documents: DocumentStore;
  /** Durable scheduled work: timers, retries, outboxes. */
  readonly work: WorkQueue;
  /**
   * Writes documents and schedules, cancels and completes work in one all-or-nothing step (one
   * transaction on SQL adapters). A document whose `expectedVersion` does not hold, or a
   * completion whose lease was lost, refuses the whole commit with `CONFLICT`; bad input refuses
   * it with `VALIDATION`. Either way nothing is written.
   *
   * @example
   * ```ts
   * // A journey step: the instance moves on, its next timer is set, its message queued.
   * await storage.commit('acme', {
   *   documents: [{ collection: 'journey.instances', key: 'i1', value: { node: 'wait-1' }, expectedVersion: 3 }],
   *   schedule: [{ queue: 'journey.timers', key: 'i1/wait-1', dueAt: '2026-01-04T09:00:00Z' }],
   *   complete: [claimed], // the timer this step ran on
   * });
   * ```
   */
  commit(workspaceId: string, input: CommitInput): Promise<CommitResult>;
  /** Present when `capabilities.sql` is true. */
  readonly sql?: SqlAccess;
  /** Releases connections and handles the adapter opened itself (never a client you passed in). */
  close(): Promise<void>;
}
