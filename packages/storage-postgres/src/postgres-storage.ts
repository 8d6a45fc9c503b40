import {
  type Clock,
  createIdGenerator,
  type IdGenerator,
  type SqlAccess,
  type Storage,
  systemClock,
} from '@cx/core';
import type { Pool } from 'pg';
import { z } from 'zod';
import { parseConfig, poolSchema } from './config';
import type { PostgresContext } from './context';
import { toCxError } from './errors';
import { postgresDocumentStore } from './postgres-document-store';
import { postgresEventStore } from './postgres-event-store';
import { postgresLeaseStore } from './postgres-lease-store';
import { postgresProfileStore } from './postgres-profile-store';
import { schemaNameSchema, tablesIn } from './tables';

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
  return {
    name: 'postgres',
    capabilities: { sql: true, persistent: true, multiProcess: true },
    events: postgresEventStore(context),
    profiles: postgresProfileStore(context),
    leases: postgresLeaseStore(context),
    documents: postgresDocumentStore(context),
    sql,
    // The pool belongs to the caller, who may share it with other code: there is nothing of
    // ours to release.
    async close() {},
  };
}
