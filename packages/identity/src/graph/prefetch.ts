import type { CxEvent } from '@cx/core';
import { identifierDocKey } from '../collections';
import type { ExtractedIdentifiers } from '../identifiers/extract-identifiers';
import { updatesProfile } from '../profiles/apply-updates';
import type { GraphSession } from './graph-session';
import { tracksJoinTimes } from './limits';
import { loadLinks } from './resolve-event';

/**
 * Reads up front, for the events that need the graph changed (`candidates`) and the profiles
 * whose traits or consent the batch updates (`updating`), what resolution and trait updates
 * will need: the records of profiles that may be extended or merged, their states, and the link
 * documents of identifiers that may bridge profiles. One `getMany` per store instead of one read
 * per event.
 *
 * It plans from the batch's initial owners, so a merge earlier in the batch can make it fetch a
 * little more than needed, never less than correct: anything missing is read on demand.
 */
export async function prefetch(
  session: GraphSession,
  candidates: readonly { event: CxEvent; extracted: ExtractedIdentifiers }[],
  updating: ReadonlySet<string> = new Set(),
): Promise<void> {
  const joinTimes = tracksJoinTimes(session.runtime.config);
  const records = new Set<string>();
  const states = new Set<string>(updating);
  const links = new Set<string>();
  for (const { event, extracted } of candidates) {
    const owners: string[] = [];
    let unknown = 0;
    let anchor: string | undefined;
    for (const id of extracted.identifiers) {
      const owner = session.owners.get(id.key);
      if (owner === undefined) unknown++;
      else {
        anchor ??= id.key;
        if (!owners.includes(owner)) owners.push(owner);
      }
    }
    if (owners.length === 1 && updatesProfile(event)) states.add(owners[0]!);
    if (owners.length >= 2) {
      for (const owner of owners) {
        records.add(owner);
        states.add(owner);
      }
      for (const id of extracted.identifiers) if (id.key !== anchor) links.add(identifierDocKey(id.key));
    } else if (owners.length === 1 && unknown > 0) {
      records.add(owners[0]!);
      if (joinTimes) states.add(owners[0]!);
    }
  }
  await Promise.all([
    states.size > 0 ? session.states([...states]) : undefined,
    records.size > 0 ? session.records([...records]) : undefined,
    loadLinks(session, [...links]),
  ]);
}
