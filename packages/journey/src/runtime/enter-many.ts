import type { JourneyDefinition } from '../definition/journey-types';
import { type AdmissionRefusal, admit } from './admission';
import { applyStep, type StepDependencies } from './apply-step';
import type { ApiEntry } from './entry-inputs';
import { JOURNEY_COLLECTIONS, type JourneyWorkingSet, type StoredInstance } from './journey-store';

/** What entering one person did: the stepped instance, or why they were refused. */
export type EntryOutcome = { admitted: StoredInstance } | { refused: AdmissionRefusal };

/**
 * Admits and steps many API entries into one working set, for one commit: the people's journey
 * indexes and profiles are read with one `getMany` each, and each entry is decided after the ones
 * before it (the same person twice in a batch meets their own re-entry rule; caps count every
 * entry).
 *
 * @example
 * ```ts
 * const work = new JourneyWorkingSet(storage, 'acme');
 * const outcomes = await admitEntries(deps, work, definition, 2, [{ profileId: 'p1' }], now);
 * await storage.commit('acme', work.toCommit());
 * ```
 */
export async function admitEntries(
  deps: StepDependencies,
  work: JourneyWorkingSet,
  definition: JourneyDefinition,
  version: number,
  entries: readonly ApiEntry[],
  now: number,
): Promise<EntryOutcome[]> {
  const people = entries.map((entry) => entry.profileId);
  await Promise.all([work.preload(JOURNEY_COLLECTIONS.profiles, people), work.preloadProfiles(people)]);
  const outcomes: EntryOutcome[] = [];
  for (const entry of entries) outcomes.push(await admitEntry(deps, work, definition, version, entry, now));
  return outcomes;
}

/** Admits one person by the journey's re-entry rule and cap and, when admitted, steps `enter`, into `work`. */
export async function admitEntry(
  deps: StepDependencies,
  work: JourneyWorkingSet,
  definition: JourneyDefinition,
  version: number,
  entry: ApiEntry,
  now: number,
): Promise<EntryOutcome> {
  const decision = await admit(work, definition, version, entry.profileId, entry.data ?? {}, now);
  if ('refused' in decision) return decision;
  return { admitted: await applyStep(deps, work, definition, decision.admitted, { type: 'enter' }, now) };
}
