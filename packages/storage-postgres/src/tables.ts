import { z } from 'zod';

/**
 * A PostgreSQL schema name cx may use: lower-case letters, digits and `_`, at most 63 bytes
 * (PostgreSQL's identifier limit). Restricting it means it can be quoted into SQL safely.
 */
export const schemaNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Schema name must be 1-63 lower-case letters, digits or "_"');

/** Fully qualified, quoted names of cx's tables in one schema, ready to put into SQL text. */
export interface Tables {
  /** The schema name, unquoted. */
  schema: string;
  events: string;
  profiles: string;
  identifiers: string;
  leases: string;
  documents: string;
  work: string;
  migrations: string;
}

/** Quotes an identifier for SQL text. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The tables of cx in `schema` (already validated by {@link schemaNameSchema}). */
export function tablesIn(schema: string): Tables {
  const qualify = (table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
  return {
    schema,
    events: qualify('cx_events'),
    profiles: qualify('cx_profiles'),
    identifiers: qualify('cx_identifiers'),
    leases: qualify('cx_leases'),
    documents: qualify('cx_documents'),
    work: qualify('cx_work'),
    migrations: qualify('cx_migrations'),
  };
}
