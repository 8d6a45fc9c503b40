import { ConfigError } from '@cx/core';
import type { Database } from 'better-sqlite3';
import { prepare } from './prepare';

/** One step of the schema. Steps are applied in `version` order and never edited once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/*
 * Every table is prefixed `cx_` so the schema can live in a database the application also uses,
 * and every key starts with workspace_id so no query can reach another workspace's rows by
 * walking an index.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    // seq is the rowid: AUTOINCREMENT so a deleted tail is never reused and a held scan cursor
    // cannot skip events appended after it. The profile index is partial because most raw
    // events carry no profile yet and listByProfile never asks for those.
    sql: `
      CREATE TABLE cx_events (
        workspace_id TEXT NOT NULL,
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL,
        type TEXT NOT NULL,
        ts INTEGER NOT NULL,
        profile_id TEXT,
        body TEXT NOT NULL,
        UNIQUE (workspace_id, message_id)
      );
      CREATE INDEX cx_events_log ON cx_events (workspace_id, seq);
      CREATE INDEX cx_events_profile ON cx_events (workspace_id, profile_id, ts, seq)
        WHERE profile_id IS NOT NULL;
    `,
  },
  {
    version: 2,
    name: 'profiles',
    // ordinal keeps each profile's identifiers in the order they were attached.
    sql: `
      CREATE TABLE cx_profiles (
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        traits TEXT NOT NULL,
        merged_into TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, id),
        FOREIGN KEY (workspace_id, merged_into) REFERENCES cx_profiles (workspace_id, id)
      );
      CREATE INDEX cx_profiles_merged_into ON cx_profiles (workspace_id, merged_into);
      CREATE TABLE cx_identifiers (
        workspace_id TEXT NOT NULL,
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, type, value),
        FOREIGN KEY (workspace_id, profile_id) REFERENCES cx_profiles (workspace_id, id)
      );
      CREATE INDEX cx_identifiers_profile ON cx_identifiers (workspace_id, profile_id, ordinal);
    `,
  },
  {
    version: 3,
    name: 'leases',
    // expires_at is NULL once released; the row stays so the next owner's token keeps growing.
    sql: `
      CREATE TABLE cx_leases (
        workspace_id TEXT NOT NULL,
        key TEXT NOT NULL,
        owner TEXT NOT NULL,
        expires_at INTEGER,
        token INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, key)
      );
    `,
  },
  {
    version: 4,
    name: 'documents',
    sql: `
      CREATE TABLE cx_documents (
        workspace_id TEXT NOT NULL,
        collection TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, collection, key)
      );
    `,
  },
  {
    version: 5,
    name: 'work',
    // A claim changes only lease_until, owner, attempts and token, none of them indexed, so it
    // rewrites the row and leaves the due index alone. State is derived: dead, else claimed while
    // lease_until is set, else scheduled.
    sql: `
      CREATE TABLE cx_work (
        workspace_id TEXT NOT NULL,
        queue TEXT NOT NULL,
        key TEXT NOT NULL,
        payload TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        lease_until INTEGER,
        dead INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL,
        last_error TEXT,
        owner TEXT,
        token INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, queue, key)
      ) WITHOUT ROWID;
      CREATE INDEX cx_work_due ON cx_work (workspace_id, queue, due_at, key) WHERE dead = 0;
    `,
  },
];

/** The schema version this build of the adapter writes. */
export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

/**
 * Brings the schema up to {@link SCHEMA_VERSION} in one immediate transaction, recording each
 * step in `cx_migrations`. Safe to run on every open: applied steps are skipped, and two
 * processes opening the same file at once apply each step once.
 */
export function migrate(db: Database, appliedAt: string): number[] {
  const apply = db.transaction(() => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS cx_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
      )
    `);
    const current = prepare(db, 'SELECT coalesce(max(version), 0) FROM cx_migrations')
      .pluck()
      .get() as number;
    if (current > SCHEMA_VERSION) {
      throw new ConfigError(
        `The database schema is at version ${current}, newer than this @cx/storage-sqlite (${SCHEMA_VERSION}); upgrade the package`,
      );
    }
    const record = prepare(db, 'INSERT INTO cx_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, appliedAt);
      applied.push(migration.version);
    }
    return applied;
  });
  return apply.immediate();
}
