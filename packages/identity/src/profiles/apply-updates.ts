import type { CxEvent, Traits } from '@cx/core';
import type { IdentityConfig } from '../config/identity-config';
import type { GraphSession } from '../graph/graph-session';
import { applyConsent } from './consent';
import { emptyState, type ProfileState } from './profile-state';
import { applyTraitUpdate } from './trait-strategies';

const sourceOf = (event: CxEvent) => event.context?.library?.name ?? 'unknown';

/** True when an event carries traits or consent for the person. */
export const updatesProfile = (event: CxEvent) =>
  (event.type === 'identify' && event.traits !== undefined && Object.keys(event.traits).length > 0) ||
  event.context?.consent?.categoryPreferences !== undefined;

/** What one event changed in a profile's state (the state passed in is updated in place). */
interface EventChange {
  set: Traits;
  changed: boolean;
  consentChanged: boolean;
}

/** Applies one event's traits (by strategy) and consent to a state that is the caller's own copy. */
function applyEvent(config: IdentityConfig, state: ProfileState, event: CxEvent, into: EventChange): void {
  const change = { at: event.timestamp, source: sourceOf(event) };
  if (event.type === 'identify' && event.traits) {
    for (const [name, value] of Object.entries(event.traits)) {
      if (value === undefined) continue;
      const strategy = config.traits.strategies[name] ?? config.traits.defaultStrategy;
      const next = applyTraitUpdate(
        state.traits[name],
        { value, ...change },
        strategy,
        config.traits.historyLimit,
      );
      if (next === undefined) continue;
      state.traits[name] = next;
      into.set[name] = next.value;
      into.changed = true;
    }
  }
  const preferences = event.context?.consent?.categoryPreferences;
  if (preferences !== undefined) {
    const consent = applyConsent(state.consent, preferences, event.timestamp);
    if (consent !== undefined) {
      state.consent = consent;
      into.changed = true;
      into.consentChanged = true;
    }
  }
}

/**
 * The traits and state a profile created by `event` starts with, so a new person costs one
 * create (with traits) instead of a create and a trait patch.
 */
export function initialProfile(
  config: IdentityConfig,
  event: CxEvent,
): { traits: Traits; state: ProfileState } {
  const state = emptyState();
  const change: EventChange = { set: {}, changed: false, consentChanged: false };
  applyEvent(config, state, event, change);
  return { traits: change.set, state };
}

/**
 * Applies the traits of `identify` calls and the consent preferences of every call to the
 * canonical profiles, per trait strategy, in event-time order. Stages, for the session's commit,
 * one trait patch per profile whose traits changed and the new states of those whose traits or
 * consent changed.
 */
export async function applyProfileUpdates(
  session: GraphSession,
  updates: readonly { event: CxEvent; profileId: string }[],
): Promise<void> {
  const byProfile = new Map<string, CxEvent[]>();
  for (const { event, profileId } of updates) {
    if (session.appliedAtCreate.has(event.messageId) || !updatesProfile(event)) continue;
    const id = session.canonical(profileId);
    const list = byProfile.get(id);
    if (list) list.push(event);
    else byProfile.set(id, [event]);
  }
  if (byProfile.size === 0) return;
  const { config } = session.runtime;
  const states = await session.states([...byProfile.keys()]);

  for (const [profileId, events] of byProfile) {
    const current = states.get(profileId)!;
    const state: ProfileState = { ...current, traits: { ...current.traits } };
    const change: EventChange = { set: {}, changed: false, consentChanged: false };
    events.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    for (const event of events) applyEvent(config, state, event, change);
    if (!change.changed) continue;
    session.setState(profileId, state);
    const names = Object.keys(change.set);
    if (names.length > 0) session.patchTraits(profileId, change.set);
    session.updated.push({
      workspaceId: session.workspaceId,
      profileId,
      traits: names,
      consent: change.consentChanged,
    });
  }
}
