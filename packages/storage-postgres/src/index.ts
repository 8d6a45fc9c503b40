/**
 * `@cx/storage-postgres`: the PostgreSQL storage adapter for cx. Pass it your `pg.Pool`, run
 * {@link migrate} once, and every port of `@cx/core` is stored in PostgreSQL, shared safely by
 * many processes.
 *
 * @packageDocumentation
 */
export { ADAPTER_NAME } from './errors';
export { type MigrateOptions, type MigrateResult, migrate } from './migrations';
export { type PostgresStorageOptions, postgresStorage } from './postgres-storage';
