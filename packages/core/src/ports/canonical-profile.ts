import type { ProfileRecord, ProfileStore } from './profile-store';

/** Merge chains are a few links long; the bound only keeps a corrupt cycle from looping for ever. */
const MAX_MERGE_HOPS = 16;

/**
 * The profile that holds a person now: `profileId`'s record, followed along `mergedInto` to the
 * survivor of its merges. `null` when the profile does not exist (or was deleted). Packages that
 * act on a person by a stored profile id (a queued message, a waiting journey) read it this way,
 * so a merge in the meantime does not lose them.
 *
 * @example
 * ```ts
 * await storage.profiles.merge('acme', { from: 'p2', into: 'p1' });
 * (await canonicalProfile(storage.profiles, 'acme', 'p2'))?.id; // 'p1'
 * ```
 */
export async function canonicalProfile(
  profiles: Pick<ProfileStore, 'get'>,
  workspaceId: string,
  profileId: string,
): Promise<ProfileRecord | null> {
  let profile = await profiles.get(workspaceId, profileId);
  for (let hops = 0; profile?.mergedInto && hops < MAX_MERGE_HOPS; hops++) {
    profile = await profiles.get(workspaceId, profile.mergedInto);
  }
  return profile;
}
