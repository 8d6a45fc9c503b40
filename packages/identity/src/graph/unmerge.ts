import { isDeepStrictEqual } from 'node:util';
import {
  ConflictError,
  idSchema,
  NotFoundError,
  type ProfileRecord,
  parseOrThrow,
  type Traits,
} from '@cx/core';
import { COLLECTIONS } from '../collections';
import { IDENTITY_EVENTS, identityEvent } from '../events/identity-events';
import { loadStates, type ProfileState } from '../profiles/profile-state';
import { type IdentityRuntime, nowIso } from '../runtime';
import { notifyLater } from './commit-session';
import { GraphSession } from './graph-session';
import type { MergeLogEntry } from './merge-log';

/** Outcome of `identity.unmerge`. */
export interface UnmergeOutcome {
  mergeId: string;
  into: ProfileRecord;
  from: ProfileRecord;
}

/**
 * `before`, plus whatever changed in `current` since `after` (a trait set or removed after the
 * merge stays as it is now).
 */
function keepLaterChanges<T>(
  before: Record<string, T>,
  after: Record<string, T>,
  current: Record<string, T>,
) {
  const out: Record<string, T> = { ...before };
  for (const key of new Set([...Object.keys(after), ...Object.keys(current)])) {
    if (isDeepStrictEqual(after[key], current[key])) continue;
    if (key in current) out[key] = current[key]!;
    else delete out[key];
  }
  return out;
}

/**
 * Undoes a merge from the merge log. Both profiles get back their exact before-state
 * (identifiers, traits, trait history, consent); events were never moved, so each profile's
 * events are its own again. Changes made to the surviving profile after the merge are kept
 * there. The pair is remembered, so the same identifiers do not merge them again automatically.
 *
 * @throws `NotFoundError` for an unknown merge or a deleted profile; `ConflictError` when the
 * merge was already undone or a later merge involving `into` must be undone first.
 */
export async function unmergeProfiles(
  runtime: IdentityRuntime,
  workspaceId: string,
  mergeId: unknown,
): Promise<UnmergeOutcome> {
  const id = parseOrThrow(idSchema, mergeId, 'merge id');
  const { storage } = runtime;
  const doc = await storage.documents.get<MergeLogEntry>(workspaceId, COLLECTIONS.merges, id);
  if (!doc) throw new NotFoundError(`Merge ${id} not found`);
  const entry = doc.value;
  if (entry.unmergedAt !== undefined) throw new ConflictError(`Merge ${id} was already undone`);
  const [into, from] = await Promise.all([
    storage.profiles.get(workspaceId, entry.into),
    storage.profiles.get(workspaceId, entry.from),
  ]);
  if (!into || !from) throw new NotFoundError(`A profile of merge ${id} no longer exists`);
  if (from.mergedInto !== into.id)
    throw new ConflictError(`Profile ${from.id} is not merged into ${into.id}`);
  if (into.mergedInto !== null) {
    throw new ConflictError(
      `Profile ${into.id} was merged into ${into.mergedInto} later; undo that merge first`,
    );
  }
  const states = await loadStates(storage.documents, workspaceId, [into.id, from.id]);
  const intoNow = states.get(into.id)!.state;
  const fromNow = states.get(from.id)!.state;

  const movedBack = new Set(entry.before.from.identifiers.map((i) => `${i.type}:${i.value}`));
  const fromIdentifiers = into.identifiers.filter((i) => movedBack.has(`${i.type}:${i.value}`));
  const intoIdentifiers = into.identifiers.filter((i) => !movedBack.has(`${i.type}:${i.value}`));
  const intoTraits: Traits = keepLaterChanges(entry.before.into.traits, entry.after.intoTraits, into.traits);
  const before = entry.before.into.state;
  const intoState: ProfileState = {
    traits: keepLaterChanges(before.traits, entry.after.intoState.traits, intoNow.traits),
    consent: keepLaterChanges(before.consent, entry.after.intoState.consent, intoNow.consent),
    identifiersAddedAt: Object.fromEntries(
      intoIdentifiers
        .map((i) => `${i.type}:${i.value}`)
        .filter((key) => intoNow.identifiersAddedAt[key] !== undefined)
        .map((key) => [key, before.identifiersAddedAt[key] ?? intoNow.identifiersAddedAt[key]!]),
    ),
    splitFrom: [...new Set([...before.splitFrom, ...intoNow.splitFrom, from.id])],
  };
  const fromState: ProfileState = { ...fromNow, splitFrom: [...new Set([...fromNow.splitFrom, into.id])] };

  // The profiles, both states, the log entry, the decisions and the event commit together.
  const session = new GraphSession(runtime, workspaceId);
  const input = {
    into: into.id,
    from: from.id,
    intoIdentifiers,
    fromIdentifiers,
    intoTraits,
    fromTraits: entry.before.from.traits,
  };
  session.unmerge(input);
  session.setState(into.id, intoState, states.get(into.id)!.version);
  session.setState(from.id, fromState, states.get(from.id)!.version);
  session.putDocument({
    collection: COLLECTIONS.merges,
    key: id,
    value: { ...entry, unmergedAt: nowIso(runtime) },
  });
  // The merge decision was filed under the survivor only; the restored profile gets a copy so
  // its own history explains what happened to it.
  const decision = await storage.documents.get(
    workspaceId,
    COLLECTIONS.decisions,
    `${into.id}/${entry.decisionId}`,
  );
  if (decision) {
    session.putDocument({
      collection: COLLECTIONS.decisions,
      key: `${from.id}/${entry.decisionId}`,
      value: decision.value,
    });
  }
  session.decisions.record({
    kind: 'unmerged',
    rule: 'manual',
    reason: `merge ${id} of ${from.id} into ${into.id} was undone; the two are not merged again automatically`,
    profileIds: [into.id, from.id],
    mergeId: id,
  });
  session.addEvent(
    identityEvent(runtime, IDENTITY_EVENTS.unmerged, into.id, intoIdentifiers, {
      mergeId: id,
      into: into.id,
      from: from.id,
    }),
  );
  await session.flush();
  const { bus } = runtime;
  if (bus) {
    notifyLater(runtime, () =>
      bus.publish('identity.profile.unmerged', { workspaceId, mergeId: id, into: into.id, from: from.id }),
    );
  }
  const [intoAfter, fromAfter] = await storage.profiles.getMany(workspaceId, [into.id, from.id]);
  const byId = new Map([intoAfter, fromAfter].filter((r) => r !== undefined).map((r) => [r!.id, r!]));
  return { mergeId: id, into: byId.get(into.id)!, from: byId.get(from.id)! };
}
