import { ConfigError } from '@cx/core';

/** The flags that say which store and workspace `cx send` and `cx outbox` work on. */
export const STORE_FLAGS = {
  db: { type: 'string' },
  storage: { type: 'string' },
  workspace: { type: 'string' },
} as const;

/** The workspace when `--workspace` is absent: the one `cx serve` collects into by default. */
export const DEFAULT_WORKSPACE = 'default';

/**
 * The `--storage` spec of `--db <file>` (a SQLite file, the common case) or of `--storage <spec>`
 * (for PostgreSQL), and the workspace.
 *
 * @throws `ConfigError` when neither or both of `--db` and `--storage` are given.
 * @example
 * ```ts
 * storeOf({ db: 'cx.db' }); // { spec: 'sqlite:cx.db', workspaceId: 'default' }
 * ```
 */
export function storeOf(values: { db?: string; storage?: string; workspace?: string }): {
  spec: string;
  workspaceId: string;
} {
  if (values.db !== undefined && values.storage !== undefined) {
    throw new ConfigError('give --db <file> or --storage <spec>, not both');
  }
  if (values.db === '') throw new ConfigError('--db needs a file name, such as --db ./cx.db');
  const spec = values.db !== undefined ? `sqlite:${values.db}` : values.storage;
  if (spec === undefined) throw new ConfigError('--db <file> (or --storage <spec>) is required');
  return { spec, workspaceId: values.workspace ?? DEFAULT_WORKSPACE };
}
