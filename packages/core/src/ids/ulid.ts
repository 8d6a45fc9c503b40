import { monotonicFactory } from 'ulid';
import { type Clock, systemClock } from '../clock/clock';

/** Produces ids that sort by creation time. */
export type IdGenerator = () => string;

/**
 * Creates a monotonic ULID generator reading time from `clock`: ids made in the same
 * millisecond still sort in creation order.
 *
 * @example
 * ```ts
 * const newId = createIdGenerator();
 * newId(); // '01JD3X6Q6S9W7N8K5M4R2T1V0Z'
 * ```
 */
export function createIdGenerator(clock: Clock = systemClock): IdGenerator {
  const next = monotonicFactory();
  return () => next(clock.now());
}

/** A process-wide monotonic ULID on the system clock. */
export const newId: IdGenerator = createIdGenerator();
