import { type Clock, LimitError } from '@cx/core';
import type { CollectorResponse } from '../http/collector-http';
import { errorResponse } from '../http/error-response';

/** The answer of {@link RateLimiter.take}. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Token buckets keyed by credential; time comes from the injected clock. */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket, or says how long until one is available. */
  take(key: string): RateDecision;
}

/**
 * A token bucket per key: each key holds up to `burst` tokens and regains `requestsPerSecond`
 * per second. Keys are the configured write and read keys, so the map stays small.
 */
export function createRateLimiter(options: {
  requestsPerSecond: number;
  burst: number;
  clock: Clock;
}): RateLimiter {
  const perMs = options.requestsPerSecond / 1000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const now = options.clock.now();
      const bucket = buckets.get(key) ?? { tokens: options.burst, at: now };
      bucket.tokens = Math.min(options.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
      bucket.at = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
    },
  };
}

/**
 * `429` with `Retry-After` (whole seconds) and `X-RateLimit-Reset` (epoch milliseconds, which
 * `@segment/analytics-node` reads) when `key` is over its rate; `undefined` when it may proceed.
 */
export function rateLimited(
  limiter: RateLimiter | undefined,
  key: string,
  clock: Clock,
): CollectorResponse | undefined {
  if (limiter === undefined) return undefined;
  const decision = limiter.take(key);
  if (decision.allowed) return undefined;
  return errorResponse(
    new LimitError('Rate limit exceeded; retry later', 0, 1),
    {
      'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
      'x-ratelimit-reset': String(clock.now() + decision.retryAfterMs),
    },
    429,
  );
}
