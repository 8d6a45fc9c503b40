import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * What a key may do. `write` sends events (Segment's public write key); `read` reads the Profile
 * API; `admin` reads, deletes and suppresses profiles and opens the management endpoints.
 */
export type KeyScope = 'write' | 'read' | 'admin';

/**
 * A key as configured: the plain secret, or its SHA-256 digest (64 hex characters), so that the
 * server's configuration never has to hold the secret itself.
 */
export type KeyInput = string | { sha256: string };

/** A configured key, known only by its digest. */
export interface KeyEntry {
  readonly workspaceId: string;
  readonly scope: KeyScope;
  /** The digest in hex: a stable name for the key (rate-limit buckets) that is not the secret. */
  readonly id: string;
  readonly digest: Buffer;
}

/** Finds the configured key a request presents. */
export interface KeyRing {
  /**
   * The entry whose digest equals `SHA-256(key)`, or `undefined`. Every configured key is
   * compared, in constant time, with no early exit, so the answer's timing says nothing about
   * how close a guess came.
   */
  find(key: string): KeyEntry | undefined;
  /** The scopes configured for a workspace (for the start-up summary). */
  scopesOf(workspaceId: string): ReadonlySet<KeyScope>;
}

/** SHA-256 of a presented key, as a 32-byte buffer. */
export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The digest of a configured key: hashed when plain, decoded when given as `{ sha256 }`. */
export function configuredDigest(input: KeyInput): Buffer {
  return typeof input === 'string' ? keyDigest(input) : Buffer.from(input.sha256, 'hex');
}

/** Builds a ring from entries whose digests are already unique (the options check that). */
export function createKeyRing(entries: readonly KeyEntry[]): KeyRing {
  const scopes = new Map<string, Set<KeyScope>>();
  for (const entry of entries) {
    const set = scopes.get(entry.workspaceId) ?? new Set<KeyScope>();
    set.add(entry.scope);
    scopes.set(entry.workspaceId, set);
  }
  return {
    find(key) {
      const digest = keyDigest(key);
      let found: KeyEntry | undefined;
      for (const entry of entries) {
        if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry;
      }
      return found;
    },
    scopesOf: (workspaceId) => scopes.get(workspaceId) ?? new Set(),
  };
}

/**
 * The SHA-256 digest of a key in hex: what to put in configuration as `{ sha256 }` so the
 * server never holds the secret.
 *
 * @example
 * ```ts
 * import { hashKey } from '@cx/server';
 * hashKey('rk_live_456'); // '5f0c…' (64 hex characters)
 * ```
 */
export function hashKey(key: string): string {
  return keyDigest(key).toString('hex');
}
