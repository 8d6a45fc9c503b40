import type { Migration } from './migration';

/**
 * Durable scheduled work. `visible_at` is when an item can next be claimed: its due time while
 * scheduled, its lease end while claimed, NULL once dead; one partial index serves every claim,
 * which takes rows in that order with `FOR UPDATE SKIP LOCKED`.
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
  state text NOT NULL,
  visible_at bigint,
  attempts integer NOT NULL,
  last_error text,
  owner text,
  token bigint NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (workspace_id, queue, key)
);
CREATE INDEX cx_work_claimable ON {schema}.cx_work (workspace_id, queue, visible_at, key)
  WHERE visible_at IS NOT NULL;
`,
};
