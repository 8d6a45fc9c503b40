import { createHash } from 'node:crypto';

/**
 * The deterministic id of a message: the same source, step and profile always give the same id,
 * so a journey step that runs twice, a retried API call or a replayed event enqueues one message,
 * and providers that accept an idempotency key see the same key on every attempt.
 *
 * @example
 * ```ts
 * messageIdFor({ source: 'journey:abandoned-cart@3', step: 'email-1', profileId: 'p1' });
 * // 'msg_…' (22 characters of base64url after the prefix)
 * ```
 */
export function messageIdFor(parts: { source: string; step: string; profileId: string }): string {
  const digest = createHash('sha256')
    .update(`${parts.source}\u0000${parts.step}\u0000${parts.profileId}`)
    .digest('base64url');
  return `msg_${digest.slice(0, 22)}`;
}
