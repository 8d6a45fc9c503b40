import { isCxError, type Storage } from '@cx/core';
import { recordEnded } from './admission';
import {
  JOURNEY_COLLECTIONS,
  JourneyWorkingSet,
  type StoredInstance,
  versionInstances,
} from './journey-store';
import { journeyProfileEvent } from './profile-events';

/** The exit id of instances a new version's `migrate: 'exit'` (or `unmapped: 'exit'`) ended. */
export const VERSION_REPLACED_EXIT = 'version-replaced';

/** The exit id of instances a new version's `migrate: { map }` moved to an instance of it. */
export const VERSION_MIGRATED_EXIT = 'version-migrated';

/**
 * Ends every running instance of the given versions at once (eagerly, at publish), each with
 * outcome `exit` `version-replaced`, its timer cancelled and a `Journey Exited` event, one commit
 * per instance (stepped again on `CONFLICT`). Returns how many it ended.
 *
 * @example
 * ```ts
 * await exitVersions(storage, 'acme', 'abandoned-cart', [1, 2], Date.now());
 * ```
 */
export async function exitVersions(
  storage: Storage,
  workspaceId: string,
  journeyId: string,
  versions: readonly number[],
  now: () => number,
): Promise<number> {
  let exited = 0;
  for (const version of versions) {
    for await (const document of versionInstances(storage, workspaceId, journeyId, version)) {
      if (await exitInstance(storage, workspaceId, document.key, now)) exited += 1;
    }
  }
  return exited;
}

/**
 * Ends one running instance with outcome `exit` `version-replaced`, as {@link exitVersions} does
 * each: read, ended and committed again on `CONFLICT`. Returns `false` when it had already ended.
 *
 * @example
 * ```ts
 * await exitInstance(storage, 'acme', 'abandoned-cart@1/p1/1', () => Date.now());
 * ```
 */
export async function exitInstance(
  storage: Storage,
  workspaceId: string,
  id: string,
  now: () => number,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const work = new JourneyWorkingSet(storage, workspaceId);
    const stored = await work.get<StoredInstance>(JOURNEY_COLLECTIONS.instances, id);
    if (!stored || stored.state.status === 'completed' || stored.state.status === 'exited') return false;
    const at = now();
    const { state } = stored;
    work.set<StoredInstance>(JOURNEY_COLLECTIONS.instances, id, {
      ...stored,
      events: stored.events + 1,
      state: {
        ...state,
        status: 'exited',
        waiting: null,
        outcome: { kind: 'exit', id: VERSION_REPLACED_EXIT, at },
      },
    });
    work.timers.set(id, null);
    const profile = (await storage.profiles.get(workspaceId, state.profileId)) ?? { id: state.profileId };
    work.events.push(
      journeyProfileEvent(
        profile,
        id,
        stored.events,
        'Journey Exited',
        {
          journeyId: state.journeyId,
          version: state.version,
          instanceId: id,
          node: state.node,
          reason: 'exit',
          outcomeId: VERSION_REPLACED_EXIT,
        },
        at,
      ),
    );
    await recordEnded(work, state.profileId, state.journeyId, id, at);
    try {
      await storage.commit(workspaceId, work.toCommit());
      return true;
    } catch (error) {
      if (!isCxError(error, 'CONFLICT') || attempt >= 10) throw error;
    }
  }
}
