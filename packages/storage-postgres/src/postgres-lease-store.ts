import { type Lease, type LeaseStore, parseLeaseRelease, parseLeaseRequest } from '@cx/core';
import type { PostgresContext } from './context';
import { guard } from './errors';

interface LeaseRow {
  owner: string;
  expires_at: string | number;
  token: string | number;
}

const toLease = (key: string, row: LeaseRow): Lease => ({
  key,
  owner: row.owner,
  expiresAt: new Date(Number(row.expires_at)).toISOString(),
  token: Number(row.token),
});

/**
 * The PostgreSQL {@link LeaseStore}: one row per (workspace, key) in `cx_leases`. Each operation
 * is a single statement, so the row lock PostgreSQL takes for it makes check-and-set atomic
 * across processes. Time is the adapter's injected clock, passed in as a parameter, never the
 * database server's `now()`, so tests and simulations control expiry.
 */
export function postgresLeaseStore({ pool, clock, tables }: PostgresContext): LeaseStore {
  const { leases } = tables;

  return {
    async acquire(workspaceId, request) {
      const r = parseLeaseRequest(workspaceId, request);
      const now = clock.now();
      // Take the row if it is new, ours, expired or released (expires_at NULL). The fencing token
      // stays the same only when we renew a lease we still hold.
      const result = await guard('leases.acquire', () =>
        pool.query<LeaseRow>(
          `INSERT INTO ${leases} AS held (workspace_id, key, owner, expires_at, token)
           VALUES ($1, $2, $3, $5, 1)
           ON CONFLICT (workspace_id, key) DO UPDATE
           SET owner = EXCLUDED.owner,
               expires_at = EXCLUDED.expires_at,
               token = CASE WHEN held.owner = EXCLUDED.owner AND held.expires_at > $4::bigint
                            THEN held.token ELSE held.token + 1 END
           WHERE held.owner = EXCLUDED.owner OR held.expires_at IS NULL OR held.expires_at <= $4::bigint
           RETURNING owner, expires_at, token`,
          [workspaceId, r.key, r.owner, now, now + r.ttlMs],
        ),
      );
      const row = result.rows[0];
      return row ? toLease(r.key, row) : null;
    },

    async renew(workspaceId, request) {
      const r = parseLeaseRequest(workspaceId, request);
      const now = clock.now();
      const result = await guard('leases.renew', () =>
        pool.query<LeaseRow>(
          `UPDATE ${leases} SET expires_at = $5
           WHERE workspace_id = $1 AND key = $2 AND owner = $3 AND expires_at > $4
           RETURNING owner, expires_at, token`,
          [workspaceId, r.key, r.owner, now, now + r.ttlMs],
        ),
      );
      const row = result.rows[0];
      return row ? toLease(r.key, row) : null;
    },

    async release(workspaceId, request) {
      const r = parseLeaseRelease(workspaceId, request);
      // The row stays, so the next owner's token is still higher than every earlier one.
      const result = await guard('leases.release', () =>
        pool.query(
          `UPDATE ${leases} SET expires_at = NULL
           WHERE workspace_id = $1 AND key = $2 AND owner = $3 AND expires_at > $4`,
          [workspaceId, r.key, r.owner, clock.now()],
        ),
      );
      return (result.rowCount ?? 0) > 0;
    },
  };
}
