import { ConflictError, type CxEvent, type Identifier } from '@cx/core';
import { COLLECTIONS, identifierDocKey } from '../collections';
import type { DecisionRule, IdentityDecision } from '../decisions/decision';
import type { ExtractedIdentifiers, FoundIdentifier } from '../identifiers/extract-identifiers';
import { stageFlags } from '../identifiers/identifier-flags';
import { initialProfile, updatesProfile } from '../profiles/apply-updates';
import { nowIso } from '../runtime';
import type { GraphSession } from './graph-session';
import { findLimitViolation, type LimitViolation, tracksJoinTimes } from './limits';
import { mergeProfiles } from './merge-profiles';

/** The document `identity.links/<identifier>`: the profiles an identifier has joined by merging. */
interface LinkDocument {
  profiles: string[];
}

const strip = (list: readonly FoundIdentifier[]): Identifier[] =>
  list.map(({ type, value }) => ({ type, value }));

const describeLimit = (v: LimitViolation) =>
  `at most ${v.max} ${v.type}${v.windowMs === undefined ? '' : ` per ${v.windowMs} ms`}`;

/** Gives an `alias` call's `previousId` its type: a known user id, else an anonymous id. */
function withAliasPrevious(session: GraphSession, ids: FoundIdentifier[], previous: string) {
  const { config } = session.runtime;
  const type = session.owners.has(`user_id:${previous}`)
    ? 'user_id'
    : session.owners.has(`anonymous_id:${previous}`) || config.types.has('anonymous_id')
      ? 'anonymous_id'
      : 'user_id';
  const key = `${type}:${previous}`;
  if (!config.types.has(type) || session.quarantined.has(key) || ids.some((i) => i.key === key)) return ids;
  // Appended after its equals, so on a limit the previous id is demoted before the new one.
  const all = [...ids, { type, value: previous, key, rank: config.rank.get(type) ?? config.rank.size }];
  return all.sort((a, b) => a.rank - b.rank);
}

/** The `type:value` keys an event may resolve through, for the batch's single lookup. */
export function lookupKeys(extracted: ExtractedIdentifiers): string[] {
  const out = extracted.identifiers.map((i) => i.key);
  if (extracted.aliasPrevious !== undefined) {
    out.push(`user_id:${extracted.aliasPrevious}`, `anonymous_id:${extracted.aliasPrevious}`);
  }
  return out;
}

/**
 * The profile an event resolves to when that takes no change to the graph: every identifier
 * that is not quarantined already points at the same profile. `undefined` otherwise (a new
 * identifier, two profiles, an alias, nothing usable), which {@link resolveEvent} handles.
 */
export function resolveKnown(session: GraphSession, extracted: ExtractedIdentifiers): string | undefined {
  if (extracted.aliasPrevious !== undefined) return undefined;
  let profileId: string | undefined;
  for (const id of extracted.identifiers) {
    if (session.quarantined.size > 0 && session.quarantined.has(id.key)) continue;
    const owner = session.owners.get(id.key);
    if (owner === undefined || (profileId !== undefined && owner !== profileId)) return undefined;
    profileId = owner;
  }
  return profileId;
}

/**
 * Resolves one event to a canonical profile, creating, extending or merging profiles as the
 * merge protection rules allow. Returns the profile id, or `null` when every identifier of the
 * event is quarantined.
 *
 * The common case (every identifier already points at the same profile) costs two map lookups
 * and no I/O.
 */
export async function resolveEvent(
  session: GraphSession,
  event: CxEvent,
  extracted: ExtractedIdentifiers,
): Promise<string | null> {
  let ids = extracted.identifiers.filter((i) => !session.quarantined.has(i.key));
  if (extracted.aliasPrevious !== undefined) ids = withAliasPrevious(session, ids, extracted.aliasPrevious);
  const firstDecision = session.decisions.decisions.length;
  const profileId = await resolve(
    session,
    event,
    ids,
    event.type === 'alias' ? 'alias' : 'shared-identifier',
  );
  // Decisions taken for this event are filed under the profile it ended up at too. Other
  // groups of the batch record concurrently, hence the messageId check.
  if (profileId !== null) {
    for (const decision of session.decisions.decisions.slice(firstDecision)) {
      if (decision.messageId === event.messageId && !decision.profileIds.includes(profileId)) {
        decision.profileIds.push(profileId);
      }
    }
  }
  return profileId;
}

async function resolve(
  session: GraphSession,
  event: CxEvent,
  initial: FoundIdentifier[],
  rule: DecisionRule,
): Promise<string | null> {
  const { config, clock } = session.runtime;
  const joinTimes = tracksJoinTimes(config);
  let ids = initial;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (ids.length === 0) return null;
    const owners: string[] = [];
    const unknown: FoundIdentifier[] = [];
    for (const id of ids) {
      const owner = session.owners.get(id.key);
      if (owner === undefined) unknown.push(id);
      else if (!owners.includes(owner)) owners.push(owner);
    }
    if (owners.length === 1 && unknown.length === 0) return owners[0]!;

    if (owners.length === 0) {
      const violation = findLimitViolation(config, [], ids, {}, clock.now());
      if (violation) {
        ids = demote(session, event, ids, 'limit', violation, [], []);
        continue;
      }
      const initial = updatesProfile(event) ? initialProfile(config, event) : undefined;
      const created = session.create({
        identifiers: strip(ids),
        ...(initial ? { traits: initial.traits } : {}),
      });
      session.own(ids, created.id);
      if (initial) {
        session.setState(created.id, initial.state);
        session.appliedAtCreate.add(event.messageId);
      }
      if (joinTimes) await noteJoinTimes(session, created.id, ids);
      return created.id;
    }

    // The profile of the most trusted known identifier survives; the others merge into it.
    const survivor = session.owners.get(ids.find((i) => session.owners.has(i.key))!.key)!;
    const others = owners.filter((owner) => owner !== survivor);
    const records = await session.records(owners);
    const survivorRecord =
      records[0]!.id === survivor ? records[0]! : records.find((r) => r.id === survivor)!;
    const states = others.length > 0 || joinTimes ? await session.states(owners) : undefined;

    const split = others.find(
      (other) =>
        states!.get(survivor)!.splitFrom.includes(other) || states!.get(other)!.splitFrom.includes(survivor),
    );
    if (split !== undefined) {
      ids = demote(session, event, ids, 'unmerged-pair', null, owners, [split]);
      continue;
    }

    const incoming: Identifier[] = [...unknown];
    for (const record of records) if (record.id !== survivor) incoming.push(...record.identifiers);
    const violation = findLimitViolation(
      config,
      survivorRecord.identifiers,
      incoming,
      states?.get(survivor)?.identifiersAddedAt ?? {},
      clock.now(),
    );
    if (violation) {
      ids = demote(session, event, ids, 'limit', violation, owners, others);
      continue;
    }

    if (others.length > 0) {
      // The anchor (most trusted known identifier) decides where the event goes; the others
      // bridge profiles into it. Only bridges count toward the quarantine cap: a user id that
      // gathers the anonymous ids of all its devices is doing its job, a tablet id that pulls
      // in one person after another is not.
      const anchor = ids.find((i) => session.owners.has(i.key))!;
      const links = await readLinks(
        session,
        ids.filter((i) => i !== anchor),
      );
      const quarantined = await quarantineOverCap(session, event, ids, owners, links);
      if (quarantined.length > 0) {
        ids = ids.filter((i) => !quarantined.includes(i));
        continue;
      }
      for (const other of others) {
        await mergeProfiles(session, survivor, other, {
          rule,
          reason:
            rule === 'alias'
              ? `alias ${event.messageId} named ${ids.map((i) => i.key).join(' and ')} as one person`
              : `event ${event.messageId} carries ${ids.map((i) => i.key).join(', ')}, which point at ${owners.join(' and ')}`,
          messageId: event.messageId,
        });
      }
      noteLinks(session, owners, links);
    }
    if (unknown.length > 0) {
      session.addIdentifiers(survivor, strip(unknown));
      session.own(unknown, survivor);
      if (joinTimes) await noteJoinTimes(session, survivor, unknown);
    }
    return survivor;
  }
  throw new ConflictError(`Could not resolve event ${event.messageId}: its identifiers kept being demoted`);
}

/** Drops the least trusted identifier of the event and records why. */
function demote(
  session: GraphSession,
  event: CxEvent,
  ids: FoundIdentifier[],
  rule: 'limit' | 'unmerged-pair',
  violation: LimitViolation | null,
  owners: string[],
  refused: string[],
): FoundIdentifier[] {
  const dropped = ids[ids.length - 1]!;
  const decision: Omit<IdentityDecision, 'id' | 'at'> = {
    kind: 'demoted',
    rule,
    reason:
      violation !== null
        ? `${dropped.key} dropped from event ${event.messageId}: keeping it would give one profile ${violation.count} ${violation.type} identifiers, the limit is ${describeLimit(violation)}`
        : `${dropped.key} dropped from event ${event.messageId}: profiles ${owners.join(' and ')} were unmerged before and are not merged again automatically`,
    profileIds: [...owners],
    identifier: { type: dropped.type, value: dropped.value },
    messageId: event.messageId,
    ...(violation === null
      ? {}
      : {
          limit: {
            type: violation.type,
            max: violation.max,
            ...(violation.windowMs === undefined ? {} : { windowMs: violation.windowMs }),
          },
        }),
    ...(refused.length > 0 ? { refusedMergeWith: refused } : {}),
  };
  session.decisions.record(decision);
  return ids.slice(0, -1);
}

/**
 * The identifiers of a merging event that would join more profiles than allowed. They are
 * quarantined: detached from their profile and ignored from now on, so a shared device or an
 * office IP stops gluing strangers together.
 */
async function quarantineOverCap(
  session: GraphSession,
  event: CxEvent,
  ids: FoundIdentifier[],
  owners: string[],
  links: Map<string, string[]>,
): Promise<FoundIdentifier[]> {
  const { config } = session.runtime;
  const over: FoundIdentifier[] = [];
  for (const id of ids) {
    const linked = links.get(identifierDocKey(id.key));
    if (linked === undefined) continue;
    const joined = new Set([...linked, ...owners]);
    if (joined.size <= config.maxProfilesPerIdentifier) continue;
    over.push(id);
    session.decisions.record({
      kind: 'quarantined',
      rule: 'max-profiles-per-identifier',
      reason: `${id.key} would join ${joined.size} profiles, more than maxProfilesPerIdentifier (${config.maxProfilesPerIdentifier}); it is quarantined instead of merging ${owners.join(' and ')}`,
      profileIds: [...owners],
      identifier: { type: id.type, value: id.value },
      messageId: event.messageId,
      refusedMergeWith: owners.filter((owner) => owner !== session.owners.get(id.key)),
    });
    await stageFlags(session, [id.key], 'quarantined', {
      at: nowIso(session.runtime),
      profiles: [...joined],
    });
    const owner = session.owners.get(id.key);
    if (owner !== undefined) session.removeIdentifiers(owner, [{ type: id.type, value: id.value }]);
    session.owners.delete(id.key);
    session.quarantined.add(id.key);
  }
  return over;
}

/** The profiles each bridging identifier has joined by merging, by link document key. */
async function readLinks(session: GraphSession, ids: FoundIdentifier[]): Promise<Map<string, string[]>> {
  const keys = ids.map((i) => identifierDocKey(i.key));
  await loadLinks(session, keys);
  return new Map(keys.map((key) => [key, session.links.get(key)!]));
}

/** Loads link documents the session has not read yet, in one round trip. */
export async function loadLinks(session: GraphSession, keys: readonly string[]): Promise<void> {
  const missing = keys.filter((key) => !session.links.has(key));
  if (missing.length === 0) return;
  for (const key of missing) session.links.set(key, []);
  for (let i = 0; i < missing.length; i += 10_000) {
    const docs = await session.runtime.storage.documents.getMany<LinkDocument>(
      session.workspaceId,
      COLLECTIONS.links,
      missing.slice(i, i + 10_000),
    );
    for (const doc of docs) session.links.set(doc.key, doc.value.profiles);
  }
}

/** Adds the merged profiles to each identifier's link set (for the quarantine cap); written on flush. */
function noteLinks(session: GraphSession, owners: string[], links: Map<string, string[]>) {
  const cap = session.runtime.config.maxProfilesPerIdentifier;
  for (const [key, joined] of links) {
    // Only the count matters, so a set larger than the cap need not grow further.
    session.setLinks(key, [...new Set([...joined, ...owners])].slice(0, cap + 1));
  }
}

/** Records when identifiers joined a profile, for limits with a time window. */
async function noteJoinTimes(session: GraphSession, profileId: string, ids: readonly FoundIdentifier[]) {
  const state = (await session.states([profileId])).get(profileId)!;
  const at = nowIso(session.runtime);
  const identifiersAddedAt = { ...state.identifiersAddedAt };
  for (const id of ids) identifiersAddedAt[id.key] = at;
  session.setState(profileId, { ...state, identifiersAddedAt });
}
