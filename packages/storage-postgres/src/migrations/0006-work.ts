import type { Migration } from './migration';

/**
 * Durable scheduled work. A claim changes only `lease_until`, `owner`, `attempts` and `token`,
 * none of them indexed, and the table keeps free room on each page (fillfactor 50), so claims
 * are HOT updates: no index entries, less WAL, less bloat. State is derived: dead, else claimed
 * while `lease_until` is set, else scheduled. One partial index on the due time serves claims,
 * which take rows in that order with `FOR NO KEY UPDATE SKIP LOCKED`.
 */
export const workMigration: Migration = {
  version: 6,
  name: 'work',
  sql: `
CREATE TABLE {schema}.cx_work (
  workspace_id text COLLATE "C" NOT NULL,
  queue text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  payload text NOT NULL,
  due_at bigint NOT NULL,
  lease_until bigint,
  dead boolean NOT NULL DEFAULT false,
  attempts integer NOT NULL,
  last_error text,
  owner text,
  token bigint NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (workspace_id, queue, key)
) WITH (fillfactor = 50);
CREATE INDEX cx_work_due ON {schema}.cx_work (workspace_id, queue, due_at, key) WHERE NOT dead;
`,
};
