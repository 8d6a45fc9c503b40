import type { Database } from 'better-sqlite3';

/**
 * Pages written to the WAL before SQLite copies them back into the database file (the default
 * is 1,000, about 4 MB). Ingest touches many scattered pages of the per-profile event index in
 * every batch; checkpointing less often writes each page back once for many batches and
 * syncs less. Measured on the append benchmark: about 1.3× the events per second. The WAL
 * file grows to about 64 MB between checkpoints.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 16_384;

/**
 * Sets the pragmas cx opens its own database files with: WAL, so readers never block the
 * writer; `synchronous = NORMAL`, durable at every checkpoint, which is safe with WAL; foreign
 * keys on; and a less frequent WAL checkpoint (see {@link WAL_AUTOCHECKPOINT_PAGES}). Call it on a
 * database you open yourself and hand to `sqliteStorage({ database })`, which leaves your pragmas
 * as they are.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { applyRecommendedPragmas, sqliteStorage } from '@cx/storage-sqlite';
 *
 * const db = new Database('./app.db');
 * applyRecommendedPragmas(db);
 * const storage = sqliteStorage({ database: db });
 * ```
 */
export function applyRecommendedPragmas(db: Database): void {
  if (!db.memory) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
}
