/**
 * `@cx/storage-postgres/testing`: helpers for tests and benchmarks that run against a real
 * PostgreSQL server.
 *
 * @packageDocumentation
 */
export {
  createTemporaryDatabase,
  type ProvidingProject,
  type TemporaryDatabase,
  type TemporaryDatabaseOptions,
  temporaryDatabaseSetup,
} from './temporary-database';
