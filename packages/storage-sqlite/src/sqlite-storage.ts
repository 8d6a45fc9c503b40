import {
  assertEventsAppended,
  createIdGenerator,
  noEventsAppended,
  parseCommit,
  parseOrThrow,
  type SqlAccess,
  type Storage,
  systemClock,
} from '@cx/core';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { guard } from './adapter-error';
import { migrate } from './migrations';
import { applyRecommendedPragmas } from './pragmas';
import { sqliteDocuments } from './sqlite-document-store';
import { sqliteEventStore } from './sqlite-event-store';
import { sqliteLeaseStore } from './sqlite-lease-store';
import { parseSqliteOptions, type SqliteStorageOptions } from './sqlite-options';
import { sqliteProfileStore } from './sqlite-profile-store';
import { sqliteWork } from './sqlite-work-queue';

/** How long a write waits for another connection's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens a database file with the settings cx relies on (see `applyRecommendedPragmas`) and a
 * busy timeout.
 */
function openDatabase(filename: string): Database.Database {
  const db = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
  try {
    applyRecommendedPragmas(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

const sqlQuerySchema = z.object({
  text: z.string().min(1, 'SQL text must not be empty'),
  params: z.array(z.unknown()).default([]),
});

/**
 * The embedded storage adapter: every port of `@cx/core` on one SQLite database through
 * better-sqlite3, the zero-setup default for one process. The schema is created and migrated
 * on open.
 *
 * Capabilities: `sql` (raw SQLite through `storage.sql`), `persistent` unless the database is
 * in memory, and not `multiProcess`: WAL lets other processes read the file while cx writes,
 * but SQLite has one writer at a time, so run one writing process per file (or use Postgres).
 *
 * @example
 * ```ts
 * import { normalizeEvent } from '@cx/core';
 * import { sqliteStorage } from '@cx/storage-sqlite';
 *
 * const storage = sqliteStorage({ filename: 'cx.db' });
 * await storage.events.append('acme', [normalizeEvent({ type: 'track', event: 'Signed Up', userId: 'u1' })]);
 * await storage.close();
 * ```
 */
export function sqliteStorage(options: SqliteStorageOptions = {}): Storage {
  const parsed = parseSqliteOptions(options);
  const clock = parsed.clock ?? systemClock;
  const newId = parsed.newId ?? createIdGenerator(clock);
  const owned = parsed.database === undefined;

  const db = guard('open', () => parsed.database ?? openDatabase(parsed.filename ?? ':memory:'));
  try {
    return guard('open', () => {
      migrate(db, new Date(clock.now()).toISOString());
      const sql: SqlAccess = {
        dialect: 'sqlite',
        tables: { events: 'cx_events', profiles: 'cx_profiles', identifiers: 'cx_identifiers' },
        async query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]) {
          const q = parseOrThrow(sqlQuerySchema, { text, params }, 'sql query');
          return guard('sql.query', () => {
            const statement = db.prepare(q.text);
            if (statement.reader) return statement.all(...q.params) as Row[];
            statement.run(...q.params);
            return [];
          });
        },
      };
      const documents = sqliteDocuments(db, { clock });
      const work = sqliteWork(db, { clock });
      const events = sqliteEventStore(db);
      const profiles = sqliteProfileStore(db, { clock, newId });
      // In the order CommitInput documents; any throw rolls back all.
      const commit = db.transaction((workspaceId: string, parsed: ReturnType<typeof parseCommit>) => {
        const now = clock.now();
        for (const claim of parsed.complete) work.completeRow(workspaceId, claim, now);
        for (const { queue, key } of parsed.cancel) work.cancelRow(workspaceId, queue, key);
        const scheduled = work.scheduleRows(workspaceId, parsed.schedule, now);
        profiles.applyWrites(workspaceId, parsed.profiles);
        const appended =
          parsed.events === null
            ? noEventsAppended()
            : assertEventsAppended(events.insert(workspaceId, parsed.events), parsed.eventsMustBeNew);
        const written = documents.writeMany(workspaceId, parsed.documents);
        const updatedAt = new Date(written.at).toISOString();
        return {
          scheduled,
          appended,
          documents: parsed.documents.map((input, index) =>
            input.stored(written.versions[index]!, updatedAt),
          ),
        };
      });
      return {
        name: 'sqlite',
        capabilities: { sql: true, persistent: !db.memory, multiProcess: false },
        events: events.store,
        profiles: profiles.store,
        leases: sqliteLeaseStore(db, { clock }),
        documents: documents.store,
        work: work.queue,
        async commit(workspaceId, input) {
          return guard('commit', () => commit.immediate(workspaceId, parseCommit(workspaceId, input)));
        },
        sql,
        async close() {
          if (owned && db.open) guard('close', () => db.close());
        },
      };
    });
  } catch (error) {
    if (owned && db.open) db.close();
    throw error;
  }
}
