import type { Migration } from './migration';

/**
 * Makes `scan` safe under concurrent writers. Each event row records the id of the transaction
 * that wrote it, and `scan` pages in (`tx_id`, `seq`) order over rows whose transaction is older
 * than every transaction still in progress: a page can then never be followed by a row that
 * sorts before it (see `postgres-event-store.ts` for the argument).
 *
 * Rows that exist already take the id of the migrating transaction (one value for all of them,
 * so they keep their `seq` order). The index replaces `cx_events_scan (workspace_id, seq)`,
 * which nothing reads any more, so an append still maintains the same number of indexes.
 */
export const eventVisibilityMigration: Migration = {
  version: 5,
  name: 'event-visibility',
  sql: `
ALTER TABLE {schema}.cx_events ADD COLUMN tx_id xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX cx_events_visible ON {schema}.cx_events (workspace_id, tx_id, seq);
DROP INDEX {schema}.cx_events_scan;
`,
};
