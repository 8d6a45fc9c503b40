/**
 * `@cx/storage-sqlite`: the embedded storage adapter of cx. Every port of `@cx/core` on one
 * SQLite file (or in memory) through better-sqlite3.
 *
 * @packageDocumentation
 */
export { SCHEMA_VERSION } from './migrations';
export { applyRecommendedPragmas, WAL_AUTOCHECKPOINT_PAGES } from './pragmas';
export type {
  SqliteDatabaseOptions,
  SqliteFileOptions,
  SqliteStorageBaseOptions,
  SqliteStorageOptions,
} from './sqlite-options';
export { BUSY_TIMEOUT_MS, sqliteStorage } from './sqlite-storage';
