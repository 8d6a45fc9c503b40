import type { Migration } from './migration';

/** Small versioned JSON documents by (workspace, collection, key). */
export const documentsMigration: Migration = {
  version: 4,
  name: 'documents',
  sql: `
CREATE TABLE {schema}.cx_documents (
  workspace_id text COLLATE "C" NOT NULL,
  collection text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  value jsonb NOT NULL,
  version integer NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (workspace_id, collection, key)
);
`,
};
