import { isCxError } from '@cx/core';

/**
 * Enough for every writer of a busy profile: each `CONFLICT` means another write went through,
 * so with N writers racing, one of them retries at most N - 1 times.
 */
const ATTEMPTS = 8;

/**
 * Runs an optimistic read-modify-write again while it fails with `CONFLICT` (another write to the
 * same documents got there first), re-reading each time; after {@link ATTEMPTS} tries the
 * `CONFLICT` is thrown. A short random pause between tries spreads out writers that collided.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isCxError(error, 'CONFLICT') || tries >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * tries));
    }
  }
}
