import type { CxEvent } from '@cx/core';
import { z } from 'zod';

/**
 * Which id counts as "one person" in funnels, conversion, sessions and retention:
 * - `canonical` (default): the surviving profile of the event's `profileId`, following `mergedInto`
 *   links to the end of the chain (C → B → A counts as A), else `userId`, else `anonymousId`. A
 *   visitor who browsed as profile P1, signed up as P2 and was merged (P1 into P2) is one person.
 *   A profile that no longer exists (deleted, or never stored) keeps its own id.
 * - `profile`: the `profileId` the event was attributed to when it arrived, else `userId`, else
 *   `anonymousId`. Events keep that id after merges, so merged profiles count as several people.
 * - `user`: `userId`, else `anonymousId` (ignores identity resolution);
 * - `anonymous`: `anonymousId`, else `userId` (one device or browser).
 *
 * Functions that read from storage resolve merges themselves (through the profile store, or in SQL
 * through `merged_into`). Functions that take events take a {@link CanonicalProfiles}; without one
 * no merge is known and `canonical` counts like `profile`.
 */
export const personKeySchema = z.enum(['canonical', 'profile', 'user', 'anonymous']);
/** See {@link personKeySchema}. */
export type PersonKey = z.output<typeof personKeySchema>;

/**
 * Maps a profile id to the id of the profile it survives as (itself when it was never merged).
 * {@link ProfileResolver} builds one from a profile store; a `Map` lookup works too:
 * `{ canonicalOf: (id) => merged.get(id) ?? id }`.
 */
export interface CanonicalProfiles {
  /** The surviving profile of `profileId`. */
  canonicalOf(profileId: string): string;
  /** Makes `canonicalOf` answer for these ids (skipping nullish ones), when lookups are asynchronous. */
  load?(profileIds: Iterable<string | null | undefined>): Promise<void>;
}

/** The person an event belongs to under `key`; `profiles` resolves merges for `canonical`. */
export function personOf(
  event: Pick<CxEvent, 'profileId' | 'userId' | 'anonymousId'>,
  key: PersonKey,
  profiles?: CanonicalProfiles,
): string {
  switch (key) {
    case 'canonical': {
      const profileId = event.profileId;
      if (profileId === null || profileId === undefined) return event.userId ?? event.anonymousId!;
      return profiles === undefined ? profileId : profiles.canonicalOf(profileId);
    }
    case 'profile':
      return event.profileId ?? event.userId ?? event.anonymousId!;
    case 'user':
      return event.userId ?? event.anonymousId!;
    case 'anonymous':
      return event.anonymousId ?? event.userId!;
  }
}
