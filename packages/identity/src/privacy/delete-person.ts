import { COLLECTIONS, identifierDocKey } from '../collections';
import { IDENTITY_EVENTS, identityEvent } from '../events/identity-events';
import { commitSession, notifyLater } from '../graph/commit-session';
import { GraphSession } from '../graph/graph-session';
import { stageFlags } from '../identifiers/identifier-flags';
import { requireProfile } from '../profiles/profile-ref';
import { type IdentityRuntime, nowIso } from '../runtime';
import { decisionsOf } from './person-documents';
import { stageLift } from './suppression';

/** Outcome of `identity.deletePerson`. */
export interface DeletePersonOutcome {
  /** Every profile id the person had (the canonical one and those merged into it). */
  profileIds: string[];
  /** How many events were deleted. */
  events: number;
  /** How many identifiers were tombstoned. */
  identifiers: number;
}

/**
 * Deletes a person everywhere (erasure request): events of every merged profile, profiles,
 * identifiers, trait history, consent, decisions, merge logs and suppression flags. What stays
 * is a tombstone per identifier, holding only a SHA-256 hash, so a replay of their events is
 * refused with `DELETED` instead of bringing them back.
 *
 * Tombstones are written first, with a `Profile Deleted` event: if the deletion is interrupted,
 * no event can recreate the person in the meantime, and running it again finishes the job.
 */
export async function deletePerson(
  runtime: IdentityRuntime,
  workspaceId: string,
  ref: unknown,
): Promise<DeletePersonOutcome> {
  const { storage } = runtime;
  const record = await requireProfile(runtime, workspaceId, ref);
  const members = await storage.profiles.members(workspaceId, record.id);
  const keys = record.identifiers.map((i) => `${i.type}:${i.value}`);
  const at = nowIso(runtime);
  // One step: the tombstones, the lifted suppression and the `Profile Deleted` event. Its
  // messageId is fixed per person, so running the deletion again after a crash adds no second
  // one; it belongs to no profile (the profiles are about to go) and names none of the
  // person's identifiers, only their profile ids.
  const session = new GraphSession(runtime, workspaceId);
  await stageFlags(session, keys, 'deleted', { at });
  await stageLift(session, record.id);
  const event = identityEvent(runtime, IDENTITY_EVENTS.deleted, record.id, [], { profileIds: members });
  session.addEvent({ ...event, messageId: `cx-deleted-${record.id}`, profileId: null });
  await commitSession(session, { eventsMustBeNew: false });
  const events = await storage.events.deleteByProfile(workspaceId, members);
  const decisions = await decisionsOf(runtime, workspaceId, members);
  const merges = new Set(decisions.map((d) => d.value.mergeId).filter((id) => id !== undefined));
  await Promise.all([
    ...decisions.map((d) => storage.documents.delete(workspaceId, COLLECTIONS.decisions, d.key)),
    ...[...merges].map((id) => storage.documents.delete(workspaceId, COLLECTIONS.merges, id)),
    ...members.map((id) => storage.documents.delete(workspaceId, COLLECTIONS.state, id)),
    ...keys.map((key) => storage.documents.delete(workspaceId, COLLECTIONS.links, identifierDocKey(key))),
    storage.documents.delete(workspaceId, COLLECTIONS.suppressions, record.id),
  ]);
  await storage.profiles.delete(workspaceId, record.id);
  // The recent-messageId window would answer `duplicate` to a replay; it must say `DELETED`.
  runtime.recent.clear();
  const { bus } = runtime;
  if (bus)
    notifyLater(runtime, () => bus.publish('identity.profile.deleted', { workspaceId, profileIds: members }));
  return { profileIds: members, events, identifiers: keys.length };
}
