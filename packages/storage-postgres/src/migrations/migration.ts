/**
 * One versioned schema change. `sql` is a template: `{schema}` stands for the quoted schema name,
 * so the same migration (and the same checksum) applies to every schema.
 */
export interface Migration {
  /** Applied in increasing order; never reused or renumbered once released. */
  version: number;
  /** A short kebab-case name, stored in `cx_migrations` for humans. */
  name: string;
  sql: string;
}
