/**
 * Rewrites numbered `?NNN` placeholders to plain `?` with the values in the order they appear (a
 * value used twice is bound twice), for `storage.sql.query` on SQLite: better-sqlite3 binds
 * `?NNN` as named parameters, while the adapter binds an array positionally. Packages that build
 * SQL in any order (funnels, segment backfills) number their parameters and call this last.
 * The text must hold no string literal containing `?`.
 *
 * @example
 * ```ts
 * positionalSqlite('a = ?2 AND b = ?1 AND c = ?2', ['x', 'y']);
 * // { text: 'a = ? AND b = ? AND c = ?', params: ['y', 'x', 'y'] }
 * ```
 */
export function positionalSqlite(
  text: string,
  params: readonly unknown[],
): { text: string; params: unknown[] } {
  const ordered: unknown[] = [];
  const rewritten = text.replace(/\?(\d+)/g, (_, index: string) => {
    ordered.push(params[Number(index) - 1]);
    return '?';
  });
  return { text: rewritten, params: ordered };
}
