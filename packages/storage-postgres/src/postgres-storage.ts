import {
  assertEventsAppended,
  type Clock,
  createIdGenerator,
  type IdGenerator,
  noEventsAppended,
  parseCommit,
  type SqlAccess,
  type Storage,
  systemClock,
} from '@cx/core';
import type { Pool } from 'pg';
import { z } from 'zod';
import { parseConfig, poolSchema } from './config';
import type { PostgresContext } from './context';
import { toCxError } from './errors';
import { postgresDocumentStore, storedDocuments, writeDocuments } from './postgres-document-store';
import { postgresEventStore } from './postgres-event-store';
import { postgresLeaseStore } from './postgres-lease-store';
import { postgresProfileStore } from './postgres-profile-store';
import { postgresWork, type Queryable } from './postgres-work-queue';
import { schemaNameSchema, tablesIn } from './tables';
import { inTransaction, withRetry } from './transaction';

/** Options for {@link postgresStorage}. */
export interface PostgresStorageOptions {
  /** Your `pg.Pool`. The adapter borrows clients from it and never ends it. */
  pool: Pool;
  /** Where time comes from (profile and document timestamps, lease expiry); defaults to the system clock. */
  clock?: Clock;
  /** Makes profile ids; defaults to monotonic ULIDs on `clock`. */
  newId?: IdGenerator;
  /** The schema {@link migrate} created the tables in; default `public`. */
  schema?: string;
}

const optionsSchema = z.strictObject({
  pool: poolSchema,
  clock: z
    .custom<Clock>((value) => typeof (value as Clock | null)?.now === 'function', {
      message: 'Expected a Clock',
    })
    .optional(),
  newId: z
    .custom<IdGenerator>((value) => typeof value === 'function', { message: 'Expected a function' })
    .optional(),
  schema: schemaNameSchema.default('public'),
});

/**
 * The PostgreSQL storage adapter: every port of `@cx/core` on a `pg.Pool` you own, safe for many
 * processes sharing one database. Run {@link migrate} once (at deploy or start-up) before use.
 * Bad options throw a `ConfigError`; database failures surface as `AdapterError`s (code
 * `ADAPTER`) with the driver's error as `cause`.
 *
 * @example
 * ```ts
 * import { normalizeEvent } from '@cx/core';
 * import { migrate, postgresStorage } from '@cx/storage-postgres';
 * import pg from 'pg';
 *
 * const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/cx' });
 * await migrate(pool);
 * const storage = postgresStorage({ pool });
 * await storage.events.append('acme', [normalizeEvent({ type: 'track', event: 'Signed Up', userId: 'u1' })]);
 * await storage.close(); // the pool is still yours: await pool.end() when the app stops
 * ```
 */
export function postgresStorage(options: PostgresStorageOptions): Storage {
  const parsed = parseConfig(optionsSchema, options, 'postgresStorage options');
  const clock = parsed.clock ?? systemClock;
  const context: PostgresContext = {
    pool: parsed.pool,
    tables: tablesIn(parsed.schema),
    clock,
    newId: parsed.newId ?? createIdGenerator(clock),
  };
  const { events, profiles, identifiers } = context.tables;
  const sql: SqlAccess = {
    dialect: 'postgres',
    tables: { events, profiles, identifiers },
    async query<Row = Record<string, unknown>>(
      text: string,
      params: readonly unknown[] = [],
    ): Promise<Row[]> {
      try {
        const result = await context.pool.query(text, [...params]);
        return result.rows as Row[];
      } catch (error) {
        throw toCxError('sql.query', error, { dataErrors: false });
      }
    },
  };
  const work = postgresWork(context);
  const eventStore = postgresEventStore(context);
  const profileStore = postgresProfileStore(context);
  return {
    name: 'postgres',
    capabilities: { sql: true, persistent: true, multiProcess: true },
    events: eventStore.store,
    profiles: profileStore.store,
    leases: postgresLeaseStore(context),
    documents: postgresDocumentStore(context),
    work: work.queue,
    async commit(workspaceId, input) {
      const parsed = parseCommit(workspaceId, input);
      const now = clock.now();
      // In the order CommitInput documents; any throw rolls back all.
      const steps = async (client: Queryable) => {
        await work.completeRows(client, workspaceId, parsed.complete, now);
        await work.cancelRows(client, workspaceId, parsed.cancel);
        const scheduled = await work.scheduleRows(client, workspaceId, parsed.schedule, now);
        await profileStore.applyWrites(client, workspaceId, parsed.profiles);
        const appended =
          parsed.events === null
            ? noEventsAppended()
            : assertEventsAppended(
                await eventStore.insert(client, workspaceId, parsed.events, input.events ?? []),
                parsed.eventsMustBeNew,
              );
        const { documents } = context.tables;
        const versions = await writeDocuments(client, documents, workspaceId, parsed.documents, now);
        return { scheduled, appended, documents: storedDocuments(parsed.documents, versions, now) };
      };
      // A commit that writes with one statement is atomic on its own: no transaction, one round trip.
      const kinds = [
        parsed.complete,
        parsed.cancel,
        parsed.schedule,
        parsed.documents,
        parsed.profiles,
        parsed.events?.events ?? [],
      ];
      const oneStatement =
        kinds.filter((list) => list.length > 0).length <= 1 &&
        new Set(parsed.schedule.map((item) => item.ifExists)).size <= 1 &&
        parsed.profiles.length === 0 &&
        !parsed.eventsMustBeNew &&
        parsed.documents.every((document) => document.expectedVersion === undefined);
      return oneStatement
        ? withRetry('commit', () => steps(context.pool))
        : inTransaction(context.pool, 'commit', steps);
    },
    sql,
    // The pool belongs to the caller, who may share it with other code: there is nothing of
    // ours to release.
    async close() {},
  };
}
