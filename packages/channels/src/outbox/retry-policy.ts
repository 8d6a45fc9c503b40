/** How the outbox retries a provider that is unavailable. */
export interface RetryPolicy {
  /** Attempts on one provider before failing over to the next; default 4. */
  attemptsPerProvider?: number;
  /** The first back-off; default 2 s. */
  baseDelayMs?: number;
  /** The longest back-off; default 10 minutes. */
  maxDelayMs?: number;
}

/**
 * Exponential back-off with "full jitter" (AWS Architecture Blog, "Exponential Backoff and
 * Jitter"): a random delay between half and all of `base · 2^(attempt−1)`, capped, so many
 * messages that failed together do not come back together. A provider's `Retry-After` wins when
 * it asks for longer.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const base = policy.baseDelayMs ?? 2000;
  const cap = policy.maxDelayMs ?? 600_000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  const delay = Math.round(ceiling / 2 + random() * (ceiling / 2));
  return Math.max(delay, retryAfterMs ?? 0);
}
