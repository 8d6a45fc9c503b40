import type { CxEvent } from '@cx/core';
import { compileVersionedTrait } from '../computed/compile-computed-trait';
import type { ComputedTraitDefinition } from '../definition/computed-trait-schema';
import {
  orderDefinitions,
  parseComputedTrait,
  parseSegmentDefinition,
} from '../definition/parse-definitions';
import type { SegmentDefinition } from '../definition/segment-schema';
import { compileSegment } from './compile-segment';
import { emptyProfileState, type ProfileSegmentState } from './profile-state';
import {
  applyEvent,
  buildModel,
  evaluateProfile,
  type MembershipChange,
  nextBoundary,
} from './segment-model';

/** Options of {@link createMembershipEvaluator}. */
export interface MembershipEvaluatorOptions {
  segments: readonly SegmentDefinition[];
  computedTraits?: readonly ComputedTraitDefinition[];
}

/** The engine's evaluation in one process, with states in memory: no storage, no queue. */
export interface MembershipEvaluator {
  /** Folds one event of a profile in at `now`; returns the memberships it changed. */
  apply(profileId: string, event: CxEvent, now: number, traits?: Record<string, unknown>): MembershipChange[];
  /** Re-evaluates a profile at `now` (time passed, traits changed). */
  evaluate(profileId: string, now: number, traits?: Record<string, unknown>): MembershipChange[];
  /** The segments a profile is in. */
  segmentsOf(profileId: string): string[];
  /** When time alone may next change the profile's memberships. */
  nextCheck(profileId: string, now: number, traits?: Record<string, unknown>): number | undefined;
}

/**
 * The real-time engine's own evaluation code, run in memory: for simulations and replays over
 * a historical log (journeys), tests, and measuring the per-event cost without storage.
 *
 * @throws `ValidationError` for bad definitions, unknown references or cycles.
 */
export function createMembershipEvaluator(options: MembershipEvaluatorOptions): MembershipEvaluator {
  const traits = (options.computedTraits ?? []).map(parseComputedTrait);
  const ordered = orderDefinitions(options.segments.map(parseSegmentDefinition), traits);
  const model = buildModel(
    ordered.map((segment) => compileSegment(segment, `${segment.id}@memory`)),
    traits.map((trait) => compileVersionedTrait(trait, 'memory')),
  );
  const states = new Map<string, ProfileSegmentState>();
  const stateOf = (profileId: string) => {
    let state = states.get(profileId);
    if (!state) {
      state = emptyProfileState();
      states.set(profileId, state);
    }
    return state;
  };
  return {
    apply(profileId, event, now, profileTraits = {}) {
      const state = stateOf(profileId);
      const touched = { segments: new Set<string>(), traits: new Set<string>() };
      applyEvent(model, state, event, now, touched);
      return evaluateProfile(model, state, profileId, profileTraits, now, touched, event.type === 'identify');
    },
    evaluate: (profileId, now, profileTraits = {}) =>
      evaluateProfile(model, stateOf(profileId), profileId, profileTraits, now, 'all'),
    segmentsOf: (profileId) => Object.keys(states.get(profileId)?.m ?? {}),
    nextCheck: (profileId, now, profileTraits = {}) =>
      nextBoundary(model, stateOf(profileId), profileId, profileTraits, now),
  };
}
