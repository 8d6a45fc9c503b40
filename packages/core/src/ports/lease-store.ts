/** A time-limited, exclusive claim on a key. */
export interface Lease {
  key: string;
  owner: string;
  /** UTC ISO time after which another owner may take the lease. */
  expiresAt: string;
  /**
   * Increases each time the lease changes hands, so a resource can refuse writes from an owner
   * whose lease has since passed to someone else (a fencing token).
   */
  token: number;
}

/** Input of {@link LeaseStore.acquire} and {@link LeaseStore.renew}. */
export interface LeaseRequest {
  key: string;
  owner: string;
  /** How long the lease lasts from now, in milliseconds (1 ms to 24 h). */
  ttlMs: number;
}

/**
 * Exclusive leases for schedulers and workers: one owner per key at a time, expiring unless
 * renewed. Time comes from the adapter's injected clock.
 */
export interface LeaseStore {
  /** Takes the lease if it is free, expired or already ours (which renews it); otherwise `null`. */
  acquire(workspaceId: string, request: LeaseRequest): Promise<Lease | null>;
  /** Extends a lease we still hold; `null` if it expired and someone else took it, or was released. */
  renew(workspaceId: string, request: LeaseRequest): Promise<Lease | null>;
  /** Gives the lease up; `false` if we did not hold it. */
  release(workspaceId: string, request: Omit<LeaseRequest, 'ttlMs'>): Promise<boolean>;
}
