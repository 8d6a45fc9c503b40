import { createHash } from 'node:crypto';
import { ConfigError } from '@cx/core';
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import { parseConfig, poolSchema } from '../config';
import { toCxError } from '../errors';
import { quoteIdent, schemaNameSchema, tablesIn } from '../tables';
import { eventsMigration } from './0001-events';
import { profilesMigration } from './0002-profiles';
import { leasesMigration } from './0003-leases';
import { documentsMigration } from './0004-documents';
import { eventVisibilityMigration } from './0005-event-visibility';
import { workMigration } from './0006-work';
import type { Migration } from './migration';

/** Every migration, in the order they apply. Append new ones; never edit a released one. */
const MIGRATIONS: readonly Migration[] = [
  eventsMigration,
  profilesMigration,
  leasesMigration,
  documentsMigration,
  eventVisibilityMigration,
  workMigration,
];

/** Options for {@link migrate}. */
export interface MigrateOptions {
  /** The PostgreSQL schema to create cx's tables in; default `public`. Created when missing. */
  schema?: string;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  schema: string;
  /** Versions applied by this call, in order; empty when the schema was already up to date. */
  applied: number[];
}

const migrateArgsSchema = z.object({
  pool: poolSchema,
  options: z.strictObject({ schema: schemaNameSchema.default('public') }).default({ schema: 'public' }),
});

const checksumOf = (migration: Migration) => createHash('sha256').update(migration.sql).digest('hex');

/**
 * Creates or upgrades cx's tables in a schema. Applied versions are recorded in `cx_migrations`
 * (version, name, applied_at, checksum), so calling it again does nothing. All pending
 * migrations run in one transaction under a transaction-level advisory lock keyed by the schema,
 * so several processes may call it at once at start-up: one applies, the others wait and then
 * find nothing to do. A released migration whose text changed is refused with a `ConfigError`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, postgresStorage } from '@cx/storage-postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const storage = postgresStorage({ pool });
 * ```
 */
export async function migrate(pool: Pool, options: MigrateOptions = {}): Promise<MigrateResult> {
  const args = parseConfig(migrateArgsSchema, { pool, options }, 'migrate options');
  const { schema } = args.options;
  let client: PoolClient;
  try {
    client = await args.pool.connect();
  } catch (error) {
    throw toCxError('migrate', error);
  }
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const applied = await applyPending(client, schema);
    await client.query('COMMIT');
    return { schema, applied };
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw toCxError('migrate', error);
  } finally {
    client.release(broken);
  }
}

async function applyPending(client: PoolClient, schema: string): Promise<number[]> {
  // Serialises concurrent migrate() calls on the same schema until this transaction ends.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['cx_migrations', schema]);
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  // Only create a missing schema: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege.
  if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  const { migrations } = tablesIn(schema);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${migrations} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      checksum text NOT NULL
    )`);
  const done = await client.query<{ version: number; checksum: string }>(
    `SELECT version, checksum FROM ${migrations}`,
  );
  const checksums = new Map(done.rows.map((row) => [Number(row.version), row.checksum]));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const checksum = checksumOf(migration);
    const recorded = checksums.get(migration.version);
    if (recorded !== undefined) {
      if (recorded !== checksum) {
        throw new ConfigError(
          `Migration ${migration.version} (${migration.name}) in schema ${schema} was applied with different SQL; ` +
            'released migrations must never change',
        );
      }
      continue;
    }
    await client.query(migration.sql.replaceAll('{schema}', quoteIdent(schema)));
    await client.query(`INSERT INTO ${migrations} (version, name, checksum) VALUES ($1, $2, $3)`, [
      migration.version,
      migration.name,
      checksum,
    ]);
    applied.push(migration.version);
  }
  return applied;
}
