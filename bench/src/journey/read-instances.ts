import type { Storage } from '@cx/core';
import { type InstanceState, JOURNEY_COLLECTIONS } from '@cx/journey';

/** The instance id `enter` gives the first entry of `p<index>` into version 1 of a journey. */
export const firstInstanceId = (journeyId: string, index: number) => `${journeyId}@1/p${index}/1`;

/**
 * Reads back the states of the `count` instances `enterPeople` made, 1000 ids at a time, and
 * hands each to `visit`. Read outside the timed part: the runtime's own record of each step
 * (`path`: node and time) is what the benchmarks count and time.
 */
export async function visitInstances(
  storage: Storage,
  workspaceId: string,
  journeyId: string,
  count: number,
  visit: (state: InstanceState) => void,
) {
  for (let start = 0; start < count; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, count - start) }, (_, i) =>
      firstInstanceId(journeyId, start + i),
    );
    const stored = await storage.documents.getMany<{ state: InstanceState }>(
      workspaceId,
      JOURNEY_COLLECTIONS.instances,
      ids,
    );
    if (stored.length !== ids.length) throw new Error(`instances missing: ${ids.length - stored.length}`);
    for (const document of stored) visit(document.value.state);
  }
}

/** Node transitions recorded in the instances' paths: every step after the first node. */
export async function countTransitions(
  storage: Storage,
  workspaceId: string,
  journeyId: string,
  count: number,
) {
  let transitions = 0;
  await visitInstances(storage, workspaceId, journeyId, count, (state) => {
    transitions += state.path.length - 1;
  });
  return transitions;
}
