import type { Pool, PoolClient } from 'pg';
import { isRetryable, toCxError } from './errors';

/** How many times a transaction PostgreSQL aborted as a deadlock or serialization failure is run. */
const MAX_ATTEMPTS = 5;

/**
 * Runs `work` in one transaction on a client of `pool`, committing when it returns and rolling
 * back when it throws. Deadlocks and serialization failures (`40P01`, `40001`) are retried from
 * the start, so a caller never sees a spurious failure under concurrency; anything else is
 * rethrown as a cx error.
 */
export async function inTransaction<T>(
  pool: Pool,
  op: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw toCxError(op, error);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // A client that cannot roll back is in an unknown state: destroy it rather than reuse it.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
      throw toCxError(op, error);
    } finally {
      client.release(broken);
    }
  }
}

/**
 * Runs one autocommit statement (or any action whose failure leaves nothing behind), retrying
 * deadlocks and serialization failures like {@link inTransaction}.
 */
export async function withRetry<T>(op: string, action: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
      throw toCxError(op, error);
    }
  }
}
