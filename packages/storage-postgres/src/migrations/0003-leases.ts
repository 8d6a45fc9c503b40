import type { Migration } from './migration';

/**
 * Leases. `expires_at` is epoch milliseconds from the adapter's clock; a released lease keeps
 * its row with `expires_at` NULL so the next owner's fencing token still grows.
 */
export const leasesMigration: Migration = {
  version: 3,
  name: 'leases',
  sql: `
CREATE TABLE {schema}.cx_leases (
  workspace_id text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  owner text COLLATE "C" NOT NULL,
  expires_at bigint,
  token bigint NOT NULL,
  PRIMARY KEY (workspace_id, key)
);
`,
};
