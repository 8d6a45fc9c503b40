import type { CxEvent, ProfileRecord } from '@cx/core';
import { COLLECTIONS } from '../collections';
import type { IdentityDecision } from '../decisions/decision';
import type { MergeLogEntry } from '../graph/merge-log';
import {
  buildProfile360,
  type Profile360,
  type ProfileExtension,
  readAllEvents,
} from '../profiles/profile-360';
import { requireProfile } from '../profiles/profile-ref';
import { loadStates, type ProfileState } from '../profiles/profile-state';
import { type IdentityRuntime, nowIso } from '../runtime';
import { decisionsOf } from './person-documents';

/** Everything cx holds about a person, as plain JSON (access request). */
export interface PersonExport {
  exportedAt: string;
  workspaceId: string;
  profile: Profile360;
  /** The canonical profile and every profile merged into it, as stored. */
  profiles: ProfileRecord[];
  /** Every event, oldest first. */
  events: CxEvent[];
  /** Trait metadata and history, consent, per profile id. */
  states: Record<string, ProfileState>;
  decisions: IdentityDecision[];
  merges: MergeLogEntry[];
}

/** Collects everything about a person. */
export async function exportPerson(
  runtime: IdentityRuntime,
  workspaceId: string,
  ref: unknown,
  extensions: ReadonlyMap<string, ProfileExtension>,
): Promise<PersonExport> {
  const { storage } = runtime;
  const record = await requireProfile(runtime, workspaceId, ref);
  const profile = await buildProfile360(runtime, workspaceId, record, extensions);
  const members = [record.id, ...profile.mergedProfileIds];
  const [profiles, states, decisions] = await Promise.all([
    Promise.all(members.map((id) => storage.profiles.get(workspaceId, id))),
    loadStates(storage.documents, workspaceId, members),
    decisionsOf(runtime, workspaceId, members),
  ]);
  const events: CxEvent[] = [];
  await readAllEvents(runtime, workspaceId, members, (event) => events.push(event));
  events.reverse();
  const mergeIds = [...new Set(decisions.map((d) => d.value.mergeId).filter((id) => id !== undefined))];
  const merges = mergeIds.length
    ? await storage.documents.getMany<MergeLogEntry>(workspaceId, COLLECTIONS.merges, mergeIds)
    : [];
  const unique = new Map(decisions.map((d) => [d.value.id, d.value]));
  return {
    exportedAt: nowIso(runtime),
    workspaceId,
    profile,
    profiles: profiles.filter((p): p is ProfileRecord => p !== null),
    events,
    states: Object.fromEntries([...states].map(([id, { state }]) => [id, state])),
    decisions: [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    merges: merges.map((d) => d.value),
  };
}
