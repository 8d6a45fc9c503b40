import { isDeepStrictEqual } from 'node:util';
import type { ProfileRecord, Traits } from '@cx/core';
import { COLLECTIONS } from '../collections';
import type { DecisionRule } from '../decisions/decision';
import { IDENTITY_EVENTS, identityEvent } from '../events/identity-events';
import { mergeConsent } from '../profiles/consent';
import type { ProfileState, TraitMeta } from '../profiles/profile-state';
import { mergeTrait } from '../profiles/trait-strategies';
import { nowIso } from '../runtime';
import type { GraphSession } from './graph-session';
import type { MergeLogEntry } from './merge-log';

/** Why a merge happens. */
export interface MergeCause {
  rule: DecisionRule;
  reason: string;
  messageId?: string;
}

const metaOf = (state: ProfileState, record: ProfileRecord, name: string): TraitMeta | undefined =>
  state.traits[name] ??
  (name in record.traits
    ? { value: record.traits[name], at: '', source: 'unknown', history: [] }
    : undefined);

/** The traits and state of `into` after absorbing `from`, by each trait's strategy. */
export function combineProfiles(
  session: GraphSession,
  into: ProfileRecord,
  from: ProfileRecord,
  intoState: ProfileState,
  fromState: ProfileState,
): { traits: Traits; state: ProfileState } {
  const { traits: config } = session.runtime.config;
  const traits: Traits = {};
  const metas: Record<string, TraitMeta> = {};
  for (const name of new Set([...Object.keys(into.traits), ...Object.keys(from.traits)])) {
    const strategy = config.strategies[name] ?? config.defaultStrategy;
    const meta = mergeTrait(
      metaOf(intoState, into, name),
      metaOf(fromState, from, name),
      strategy,
      config.historyLimit,
    );
    if (meta === undefined) continue;
    traits[name] = meta.value;
    if (meta.at !== '' || intoState.traits[name] || fromState.traits[name]) metas[name] = meta;
  }
  const addedAt = { ...intoState.identifiersAddedAt };
  const at = nowIso(session.runtime);
  for (const identifier of from.identifiers) addedAt[`${identifier.type}:${identifier.value}`] = at;
  return {
    traits,
    state: {
      traits: metas,
      consent: mergeConsent(intoState.consent, fromState.consent),
      identifiersAddedAt:
        Object.keys(intoState.identifiersAddedAt).length === 0 &&
        Object.keys(fromState.identifiersAddedAt).length === 0
          ? {}
          : addedAt,
      splitFrom: [...new Set([...intoState.splitFrom, ...fromState.splitFrom])],
    },
  };
}

/**
 * Stages the merge of `fromId` into `intoId` with its log entry (both profiles' exact
 * before-state, for an exact unmerge), its decision and its `Profile Merged` event: they reach
 * the store in the session's one commit.
 */
export async function mergeProfiles(
  session: GraphSession,
  intoId: string,
  fromId: string,
  cause: MergeCause,
): Promise<MergeLogEntry> {
  const { newId } = session.runtime;
  const ws = session.workspaceId;
  const [into, from] = await session.records([intoId, fromId]);
  const states = await session.states([intoId, fromId]);
  const intoState = states.get(intoId)!;
  const fromState = states.get(fromId)!;
  const combined = combineProfiles(session, into!, from!, intoState, fromState);
  const mergeId = newId();
  // Recorded now (written with the session) so the log can name its decision.
  const decision = session.decisions.record({
    kind: 'merged',
    rule: cause.rule,
    reason: cause.reason,
    profileIds: [intoId, fromId],
    mergeId,
    ...(cause.messageId === undefined ? {} : { messageId: cause.messageId }),
  });
  const entry: MergeLogEntry = {
    mergeId,
    decisionId: decision.id,
    at: nowIso(session.runtime),
    into: intoId,
    from: fromId,
    rule: cause.rule,
    reason: cause.reason,
    ...(cause.messageId === undefined ? {} : { messageId: cause.messageId }),
    before: {
      into: { identifiers: into!.identifiers, traits: into!.traits, state: intoState },
      from: { identifiers: from!.identifiers, traits: from!.traits, state: fromState },
    },
    after: { intoTraits: combined.traits, intoState: combined.state },
  };
  // The log entry, the merge and its event commit together.
  session.logMerge({ collection: COLLECTIONS.merges, key: entry.mergeId, value: entry });
  const result = session.merge({ into: intoId, from: fromId, traits: combined.traits });
  session.addEvent(
    identityEvent(session.runtime, IDENTITY_EVENTS.merged, intoId, result.into.identifiers, {
      mergeId,
      into: intoId,
      from: fromId,
      rule: cause.rule,
      // No `reason`: it names the identifiers of `from`, which must not outlive an unmerge and
      // deletion of that person in the survivor's log. The decision (by `decisionId`) has it.
      decisionId: decision.id,
      ...(cause.messageId === undefined ? {} : { causedBy: cause.messageId }),
    }),
    cause.messageId,
  );
  session.remember(result.into);
  session.remember(result.from);
  // The identifiers the session saw on `from`, and those the store actually moved, now point at
  // `into` (cheaper than scanning every owner of the batch once per merge).
  for (const identifier of from!.identifiers) {
    const key = `${identifier.type}:${identifier.value}`;
    if (session.owners.get(key) === fromId) session.owners.set(key, intoId);
  }
  session.own(result.movedIdentifiers, intoId);
  session.mergedInto.set(fromId, intoId);
  // Merging a bare anonymous profile changes nothing in the survivor's state: skip the write.
  if (!isDeepStrictEqual(combined.state, intoState)) session.setState(intoId, combined.state);
  session.merged.push({
    workspaceId: ws,
    mergeId: entry.mergeId,
    into: intoId,
    from: fromId,
    movedIdentifiers: result.movedIdentifiers,
  });
  return entry;
}
