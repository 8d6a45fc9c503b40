import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Options for {@link createTemporaryDatabase}. */
export interface TemporaryDatabaseOptions {
  /** A connection string to any database of the server; default `CX_POSTGRES_URL`, else the local server. */
  serverUrl?: string;
  /** Start of the database name; a process id and random suffix follow. Default `cx_test`. */
  prefix?: string;
}

/** A database made for one test run or benchmark. */
export interface TemporaryDatabase {
  /** Its name. */
  name: string;
  /** A connection string to it. */
  url: string;
  /** Drops it, closing any connections still open to it. */
  drop(): Promise<void>;
}

const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh, uniquely named database, so that test runs and benchmarks never see each
 * other's rows, and returns its URL and a `drop()`.
 *
 * @example
 * ```ts
 * import { createTemporaryDatabase } from '@cx/storage-postgres/testing';
 * const db = await createTemporaryDatabase({ prefix: 'myapp_bench' });
 * // ... connect to db.url ...
 * await db.drop();
 * ```
 */
export async function createTemporaryDatabase(
  options: TemporaryDatabaseOptions = {},
): Promise<TemporaryDatabase> {
  const serverUrl = options.serverUrl ?? process.env.CX_POSTGRES_URL ?? DEFAULT_SERVER_URL;
  const prefix = options.prefix ?? 'cx_test';
  if (!/^[a-z_][a-z0-9_]{0,30}$/.test(prefix)) {
    throw new RangeError(
      `createTemporaryDatabase: prefix must be a lower-case SQL identifier, got "${prefix}"`,
    );
  }
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** What {@link temporaryDatabaseSetup} needs of vitest's `TestProject`. */
export interface ProvidingProject {
  provide(key: 'postgresUrl', value: string): void;
}

/**
 * A vitest `globalSetup` that gives every test run its own database (see
 * {@link createTemporaryDatabase}), provides its URL as `postgresUrl` (read it with
 * `inject('postgresUrl')`) and drops it when the run ends.
 *
 * @example
 * ```ts
 * // test/global-setup.ts, listed in vitest's `test.globalSetup`
 * import { temporaryDatabaseSetup } from '@cx/storage-postgres/testing';
 *
 * export default temporaryDatabaseSetup({ prefix: 'myapp_test' });
 *
 * declare module 'vitest' {
 *   export interface ProvidedContext {
 *     postgresUrl: string;
 *   }
 * }
 * ```
 */
export function temporaryDatabaseSetup(options: TemporaryDatabaseOptions = {}) {
  return async (project: ProvidingProject): Promise<() => Promise<void>> => {
    const database = await createTemporaryDatabase(options);
    project.provide('postgresUrl', database.url);
    return () => database.drop();
  };
}
