import type { Clock } from '../clock/clock';
import { parseLeaseRelease, parseLeaseRequest } from '../ports/inputs';
import type { Lease, LeaseStore } from '../ports/lease-store';

interface HeldLease {
  owner: string;
  expiresAtMs: number;
  token: number;
}

const toLease = (key: string, held: HeldLease): Lease => ({
  key,
  owner: held.owner,
  expiresAt: new Date(held.expiresAtMs).toISOString(),
  token: held.token,
});

/** The reference {@link LeaseStore}. */
export function memoryLeaseStore({ clock }: { clock: Clock }): LeaseStore {
  const leases = new Map<string, HeldLease>();
  const slot = (workspaceId: string, key: string) => `${workspaceId}\u0000${key}`;

  return {
    async acquire(workspaceId, request) {
      const r = parseLeaseRequest(workspaceId, request);
      const now = clock.now();
      const held = leases.get(slot(workspaceId, r.key));
      if (held && held.owner !== r.owner && held.expiresAtMs > now) return null;
      const token =
        held === undefined
          ? 1
          : held.owner === r.owner && held.expiresAtMs > now
            ? held.token
            : held.token + 1;
      const next = { owner: r.owner, expiresAtMs: now + r.ttlMs, token };
      leases.set(slot(workspaceId, r.key), next);
      return toLease(r.key, next);
    },

    async renew(workspaceId, request) {
      const r = parseLeaseRequest(workspaceId, request);
      const now = clock.now();
      const held = leases.get(slot(workspaceId, r.key));
      if (!held || held.owner !== r.owner || held.expiresAtMs <= now) return null;
      held.expiresAtMs = now + r.ttlMs;
      return toLease(r.key, held);
    },

    async release(workspaceId, request) {
      const r = parseLeaseRelease(workspaceId, request);
      const held = leases.get(slot(workspaceId, r.key));
      if (!held || held.owner !== r.owner || held.expiresAtMs <= clock.now()) return false;
      // Keep the token so the next owner's token is still higher than every earlier one.
      held.expiresAtMs = Number.NEGATIVE_INFINITY;
      return true;
    },
  };
}
