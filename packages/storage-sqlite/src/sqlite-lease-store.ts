import { type Clock, type Lease, type LeaseStore, parseLeaseRelease, parseLeaseRequest } from '@cx/core';
import type { Database } from 'better-sqlite3';
import { guard } from './adapter-error';
import { prepare } from './prepare';

interface LeaseRow {
  owner: string;
  /** `null` once released. */
  expires_at: number | null;
  token: number;
}

const toLease = (key: string, owner: string, expiresAtMs: number, token: number): Lease => ({
  key,
  owner,
  expiresAt: new Date(expiresAtMs).toISOString(),
  token,
});

/** True while `row` is held by someone at `now`. */
const isHeld = (row: LeaseRow, now: number) => row.expires_at !== null && row.expires_at > now;

/**
 * The {@link LeaseStore} on SQLite. Each call reads and writes the lease row inside one
 * immediate transaction, so of many owners racing for a free lease exactly one wins, even
 * across processes sharing the file.
 */
export function sqliteLeaseStore(db: Database, { clock }: { clock: Clock }): LeaseStore {
  const select = prepare<[string, string], LeaseRow>(
    db,
    'SELECT owner, expires_at, token FROM cx_leases WHERE workspace_id = ? AND key = ?',
  );
  const upsert = prepare<[string, string, string, number, number]>(
    db,
    `INSERT INTO cx_leases (workspace_id, key, owner, expires_at, token) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (workspace_id, key)
     DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at, token = excluded.token`,
  );
  const setExpiry = prepare<[number | null, string, string]>(
    db,
    'UPDATE cx_leases SET expires_at = ? WHERE workspace_id = ? AND key = ?',
  );

  const acquire = db.transaction((workspaceId: string, key: string, owner: string, ttlMs: number) => {
    const now = clock.now();
    const held = select.get(workspaceId, key);
    if (held && held.owner !== owner && isHeld(held, now)) return null;
    // Renewing our own live lease keeps the token; any change of hands raises it.
    const token =
      held === undefined ? 1 : held.owner === owner && isHeld(held, now) ? held.token : held.token + 1;
    upsert.run(workspaceId, key, owner, now + ttlMs, token);
    return toLease(key, owner, now + ttlMs, token);
  });

  const renew = db.transaction((workspaceId: string, key: string, owner: string, ttlMs: number) => {
    const now = clock.now();
    const held = select.get(workspaceId, key);
    if (!held || held.owner !== owner || !isHeld(held, now)) return null;
    setExpiry.run(now + ttlMs, workspaceId, key);
    return toLease(key, owner, now + ttlMs, held.token);
  });

  const release = db.transaction((workspaceId: string, key: string, owner: string) => {
    const held = select.get(workspaceId, key);
    if (!held || held.owner !== owner || !isHeld(held, clock.now())) return false;
    // Keep the row and its token so the next owner's token is still higher than every earlier one.
    setExpiry.run(null, workspaceId, key);
    return true;
  });

  return {
    async acquire(workspaceId, request) {
      return guard('leases.acquire', () => {
        const r = parseLeaseRequest(workspaceId, request);
        return acquire.immediate(workspaceId, r.key, r.owner, r.ttlMs);
      });
    },

    async renew(workspaceId, request) {
      return guard('leases.renew', () => {
        const r = parseLeaseRequest(workspaceId, request);
        return renew.immediate(workspaceId, r.key, r.owner, r.ttlMs);
      });
    },

    async release(workspaceId, request) {
      return guard('leases.release', () => {
        const r = parseLeaseRelease(workspaceId, request);
        return release.immediate(workspaceId, r.key, r.owner);
      });
    },
  };
}
