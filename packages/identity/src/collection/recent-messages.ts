/**
 * The messageIds seen recently, so a client's retry is answered `duplicate` before any
 * validation or I/O. Bounded twice: by age (`windowMs`) and by size (`maxEntries`, oldest
 * evicted first). A Map keeps insertion order, which makes both evictions O(1).
 *
 * This is only a fast path. The event store stays idempotent by messageId forever, so a
 * duplicate older than the window, seen by another process or after a restart is still caught
 * by `append` and reported `duplicate`.
 */
export class RecentMessages {
  readonly #expiry = new Map<string, number>();
  readonly #windowMs: number;
  readonly #maxEntries: number;

  constructor(windowMs: number, maxEntries: number) {
    this.#windowMs = windowMs;
    this.#maxEntries = maxEntries;
  }

  /** True when `messageId` of `workspaceId` was recorded within the window. */
  has(workspaceId: string, messageId: string, now: number): boolean {
    const expiresAt = this.#expiry.get(`${workspaceId}\u0000${messageId}`);
    return expiresAt !== undefined && expiresAt > now;
  }

  /** Records messageIds as seen at `now`. */
  add(workspaceId: string, messageIds: readonly string[], now: number): void {
    if (this.#windowMs === 0 || this.#maxEntries === 0) return;
    const expiresAt = now + this.#windowMs;
    for (const messageId of messageIds) {
      const key = `${workspaceId}\u0000${messageId}`;
      this.#expiry.delete(key);
      this.#expiry.set(key, expiresAt);
    }
    this.#evict(now);
  }

  /** Forgets everything (after deleting a person, so their ids cannot short-circuit). */
  clear(): void {
    this.#expiry.clear();
  }

  #evict(now: number) {
    for (const [key, expiresAt] of this.#expiry) {
      if (this.#expiry.size <= this.#maxEntries && expiresAt > now) break;
      this.#expiry.delete(key);
    }
  }
}
