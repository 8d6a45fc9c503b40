import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepares a statement that reads integers as plain numbers even on a handle where the
 * application turned on `defaultSafeIntegers`: every integer cx stores (sequence numbers,
 * millisecond times, versions, tokens) fits in a double, and cursors and dates need numbers.
 */
export function prepare<Params extends unknown[] = unknown[], Row = unknown>(
  db: Database,
  source: string,
): Statement<Params, Row> {
  return (db.prepare(source) as Statement<Params, Row>).safeIntegers(false);
}
