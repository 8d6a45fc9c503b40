import { ConfigError, memoryStorage, type Storage } from '@cx/core';

/** A storage opened from a `--storage` spec, and how to release it. */
export interface OpenedStorage {
  storage: Storage;
  /** What was opened, for log lines (never includes a password). */
  description: string;
  /** Closes the storage and any pool opened for it. */
  close(): Promise<void>;
}

/** Options of {@link openStorage}. */
export interface OpenStorageOptions {
  /**
   * Called when an idle database connection fails (the server restarted, or an administrator
   * ended it). The pool replaces the connection on the next query; without a listener the
   * error would end the process. Default: ignored.
   */
  onConnectionError?: (error: Error) => void;
}

/**
 * Opens the storage a `--storage` spec names: `memory`, `sqlite:<file>` or a PostgreSQL URL
 * (`postgres://…` or `postgresql://…`, migrated on open). Adapters load only when used, so
 * a SQLite user never loads `pg` and the other way round.
 *
 * @throws `ConfigError` for an unknown spec.
 * @example
 * ```ts
 * const { storage, close } = await openStorage('sqlite:./cx.db');
 * ```
 */
export async function openStorage(spec: string, options: OpenStorageOptions = {}): Promise<OpenedStorage> {
  if (spec === 'memory') {
    const storage = memoryStorage();
    return { storage, description: 'memory', close: () => storage.close() };
  }
  if (spec.startsWith('sqlite:')) {
    const filename = spec.slice('sqlite:'.length);
    if (filename === '') throw new ConfigError('--storage sqlite: needs a file name, such as sqlite:./cx.db');
    const { sqliteStorage } = await import('@cx/storage-sqlite');
    const storage = sqliteStorage({ filename });
    return { storage, description: `sqlite ${filename}`, close: () => storage.close() };
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const [{ default: pg }, { migrate, postgresStorage }] = await Promise.all([
      import('pg'),
      import('@cx/storage-postgres'),
    ]);
    const pool = new pg.Pool({ connectionString: spec });
    const onConnectionError = options.onConnectionError ?? (() => {});
    pool.on('error', onConnectionError);
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const storage = postgresStorage({ pool });
    const url = new URL(spec);
    return {
      storage,
      description: `postgres ${url.host}${url.pathname}`,
      async close() {
        await storage.close();
        await pool.end();
      },
    };
  }
  throw new ConfigError(
    `Unknown storage "${spec}": use memory, sqlite:<file> or a postgres://user@host/db URL`,
  );
}
