import { type Clock, ConfigError, type IdGenerator, validationErrorFromZod } from '@cx/core';
import type { Database } from 'better-sqlite3';
import { z } from 'zod';

/** Options shared by both ways of giving {@link sqliteStorage} a database. */
export interface SqliteStorageBaseOptions {
  /** Where time comes from (profile timestamps, lease expiry); defaults to the system clock. */
  clock?: Clock;
  /** Makes profile ids; defaults to monotonic ULIDs on `clock`. */
  newId?: IdGenerator;
}

/** Let the adapter open (and later close) the database file itself. */
export interface SqliteFileOptions extends SqliteStorageBaseOptions {
  /** Path of the database file, created if missing; default `':memory:'` (gone on close). */
  filename?: string;
  database?: never;
}

/** Use a better-sqlite3 handle the application already has; `close()` leaves it open. */
export interface SqliteDatabaseOptions extends SqliteStorageBaseOptions {
  /** An open better-sqlite3 `Database`. Its pragmas are left as the application set them. */
  database: Database;
  filename?: never;
}

/** Options for {@link sqliteStorage}: a `filename` to open, or an open `database`. */
export type SqliteStorageOptions = SqliteFileOptions | SqliteDatabaseOptions;

const isOpenDatabase = (value: unknown): value is Database =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Database).prepare === 'function' &&
  typeof (value as Database).transaction === 'function' &&
  (value as Database).open === true;

const optionsSchema: z.ZodType<ParsedSqliteOptions> = z
  .strictObject({
    filename: z.string().min(1, 'filename must not be empty').optional(),
    database: z.custom<Database>(isOpenDatabase, 'Expected an open better-sqlite3 Database').optional(),
    clock: z
      .custom<Clock>(
        (value) => typeof (value as Clock | null)?.now === 'function',
        'Expected a Clock with a now() method',
      )
      .optional(),
    newId: z.custom<IdGenerator>((value) => typeof value === 'function', 'Expected a function').optional(),
  })
  .refine((options) => options.filename === undefined || options.database === undefined, {
    message: 'Give either filename or database, not both',
    path: ['database'],
  });

/** The options once checked. */
export interface ParsedSqliteOptions extends SqliteStorageBaseOptions {
  filename?: string;
  database?: Database;
}

/** Checks {@link SqliteStorageOptions}; a mistake is a `ConfigError` naming the option. */
export function parseSqliteOptions(options: unknown): ParsedSqliteOptions {
  const result = optionsSchema.safeParse(options ?? {});
  if (result.success) return result.data;
  const invalid = validationErrorFromZod(result.error, 'sqliteStorage options');
  throw new ConfigError(invalid.message, { cause: invalid });
}
