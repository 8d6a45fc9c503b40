import type { Migration } from './migration';

/**
 * Profiles and the identifiers that point at them. `ordinal` is an identifier's position within
 * its profile (not a global sequence): a merge appends the moved identifiers after the surviving
 * profile's own, which a global sequence could not express without renumbering. Every write to
 * a profile's identifiers holds that profile's row lock, so positions never collide.
 */
export const profilesMigration: Migration = {
  version: 2,
  name: 'profiles',
  sql: `
CREATE TABLE {schema}.cx_profiles (
  workspace_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  traits jsonb NOT NULL DEFAULT '{}',
  merged_into text COLLATE "C",
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX cx_profiles_merged_into ON {schema}.cx_profiles (workspace_id, merged_into)
  WHERE merged_into IS NOT NULL;
CREATE TABLE {schema}.cx_identifiers (
  workspace_id text COLLATE "C" NOT NULL,
  type text COLLATE "C" NOT NULL,
  value text COLLATE "C" NOT NULL,
  profile_id text COLLATE "C" NOT NULL,
  ordinal bigint NOT NULL,
  PRIMARY KEY (workspace_id, type, value)
);
CREATE INDEX cx_identifiers_profile ON {schema}.cx_identifiers (workspace_id, profile_id, ordinal);
`,
};
