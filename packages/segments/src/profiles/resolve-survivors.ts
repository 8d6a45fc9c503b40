import type { Storage } from '@cx/core';

const LOOKUP_BATCH = 10_000;
/** Merge chains longer than this are cut short: a guard against a corrupt cycle, not a real limit. */
const MAX_CHAIN = 64;

/**
 * The surviving (canonical) profile of each id: a profile merged into another, directly or
 * through a chain of merges, maps to the end of its chain; an unknown id (events attributed to a
 * profile the profile store does not hold) maps to itself. One `getMany` per 10,000 ids and
 * chain step, so the cost is per distinct profile, not per event.
 */
export async function resolveSurvivors(
  storage: Storage,
  workspaceId: string,
  profileIds: Iterable<string>,
): Promise<Map<string, string>> {
  const mergedInto = new Map<string, string | null>();
  let pending = [...new Set(profileIds)];
  for (let step = 0; step < MAX_CHAIN && pending.length > 0; step++) {
    const next: string[] = [];
    for (let i = 0; i < pending.length; i += LOOKUP_BATCH) {
      const batch = pending.slice(i, i + LOOKUP_BATCH);
      const found = new Map(
        (await storage.profiles.getMany(workspaceId, batch)).map((profile) => [
          profile.id,
          profile.mergedInto,
        ]),
      );
      for (const id of batch) {
        const target = found.get(id) ?? null;
        mergedInto.set(id, target);
        if (target !== null && !mergedInto.has(target)) next.push(target);
      }
    }
    pending = [...new Set(next)];
  }
  const survivor = (id: string): string => {
    let current = id;
    for (let hops = 0; hops < MAX_CHAIN; hops++) {
      const target = mergedInto.get(current);
      if (target === null || target === undefined) return current;
      current = target;
    }
    return current;
  };
  const out = new Map<string, string>();
  for (const id of mergedInto.keys()) out.set(id, survivor(id));
  return out;
}
