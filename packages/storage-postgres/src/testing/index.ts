/**
 * `@cx/storage-postgres/testing`: helpers for tests and benchmarks that run against a real
 * PostgreSQL server.
 *
 * @packageDocumentation
 */
export {
  createTemporaryDatabase,
  type TemporaryDatabase,
  type TemporaryDatabaseOptions,
} from './temporary-database';
