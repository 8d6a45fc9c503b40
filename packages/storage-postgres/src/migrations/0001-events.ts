import type { Migration } from './migration';

/**
 * The event log. `seq` gives append order (the order `scan` pages in); `ts` is the event
 * timestamp in epoch milliseconds, for `listByProfile`. Text keys use the "C" collation so they
 * sort by code point, as the in-memory reference does, whatever the database's locale.
 */
export const eventsMigration: Migration = {
  version: 1,
  name: 'events',
  sql: `
CREATE TABLE {schema}.cx_events (
  workspace_id text COLLATE "C" NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  message_id text COLLATE "C" NOT NULL,
  type text NOT NULL,
  ts bigint NOT NULL,
  profile_id text COLLATE "C",
  body jsonb NOT NULL,
  PRIMARY KEY (workspace_id, message_id)
);
CREATE INDEX cx_events_scan ON {schema}.cx_events (workspace_id, seq);
CREATE INDEX cx_events_profile ON {schema}.cx_events (workspace_id, profile_id, ts, seq)
  WHERE profile_id IS NOT NULL;
`,
};
