import type { CxEvent } from '@cx/core';
import { z } from 'zod';

/**
 * Which id counts as "one person" in funnels, conversion and sessions:
 * - `profile` (default): the event's `profileId` when it has one (the profile it was attributed to
 *   when it arrived), else `userId`, else `anonymousId`;
 * - `user`: `userId`, else `anonymousId` (ignores identity resolution);
 * - `anonymous`: `anonymousId`, else `userId` (one device or browser).
 * Events keep the profile they were attributed to on arrival; a profile merged later still has
 * its own id on older events. Use `profile` once events are re-attributed, or `user` when user
 * ids are stable.
 */
export const personKeySchema = z.enum(['profile', 'user', 'anonymous']);
/** See {@link personKeySchema}. */
export type PersonKey = z.output<typeof personKeySchema>;

/** The person an event belongs to under `key`. */
export function personOf(
  event: Pick<CxEvent, 'profileId' | 'userId' | 'anonymousId'>,
  key: PersonKey,
): string {
  if (key === 'profile') return event.profileId ?? event.userId ?? event.anonymousId!;
  if (key === 'user') return event.userId ?? event.anonymousId!;
  return event.anonymousId ?? event.userId!;
}
