import type { CxEvent } from '@cx/core';
import type { VersionedComputedTrait } from '../computed/compile-computed-trait';
import { type CompiledSegment, evaluateNode } from './compile-segment';
import { eventName } from './event-facts';
import type { LeafContext } from './leaves/leaf';
import type { ProfileSegmentState } from './profile-state';

/**
 * The live definitions, compiled, in dependency order, with an index from event name to what
 * it changes: the pure core of the engine, with no storage in it. The real-time consumer, the
 * expiry worker, replay and explain all call these functions.
 */
export interface SegmentModel {
  segments: CompiledSegment[];
  traits: Map<string, VersionedComputedTrait>;
  /** Event name → segments (by position in `segments`) and computed traits it changes. */
  byEvent: Map<string, { segments: number[]; traits: string[] }>;
  usesTraits: boolean;
}

/** Builds a model from compiled segments (dependency order) and computed traits. */
export function buildModel(
  segments: CompiledSegment[],
  traits: readonly VersionedComputedTrait[],
): SegmentModel {
  const byEvent = new Map<string, { segments: number[]; traits: string[] }>();
  const entry = (name: string) => {
    let found = byEvent.get(name);
    if (!found) {
      found = { segments: [], traits: [] };
      byEvent.set(name, found);
    }
    return found;
  };
  segments.forEach((segment, index) => {
    for (const name of segment.events) entry(name).segments.push(index);
  });
  for (const trait of traits) for (const name of trait.events) entry(name).traits.push(trait.definition.id);
  return {
    segments,
    traits: new Map(traits.map((trait) => [trait.definition.id, trait])),
    byEvent,
    usesTraits: segments.some((segment) => segment.usesTraits),
  };
}

/** What an event changed in a profile's state. */
export interface Touched {
  segments: Set<string>;
  traits: Set<string>;
}

/** The leaf states of a segment at its current version (fresh ones after an edit). */
export function leafStates(state: ProfileSegmentState, segment: CompiledSegment): unknown[] {
  return state.s[segment.version]?.l ?? new Array(segment.leaves.length).fill(null);
}

/** The state of a computed trait at its current version. */
export function traitState(state: ProfileSegmentState, trait: VersionedComputedTrait) {
  const held = state.c[trait.definition.id];
  return held !== undefined && held.v === trait.version ? held.st : undefined;
}

/** Folds one event into a profile's state (`state` is changed); returns what it touched. */
export function applyEvent(
  model: SegmentModel,
  state: ProfileSegmentState,
  event: CxEvent,
  now: number,
  touched: Touched,
  only?: ReadonlySet<string>,
): void {
  const name = eventName(event);
  const targets = name === undefined ? undefined : model.byEvent.get(name);
  if (targets === undefined) return;
  const ts = Date.parse(event.timestamp);
  for (const index of targets.segments) {
    const segment = model.segments[index]!;
    if (only !== undefined && !only.has(segment.definition.id)) continue;
    const current = leafStates(state, segment);
    let states: unknown[] | undefined;
    for (let leafIndex = 0; leafIndex < segment.leaves.length; leafIndex++) {
      const leaf = segment.leaves[leafIndex]!;
      if (leaf.apply === undefined || !leaf.events!.has(name!)) continue;
      const next = leaf.apply(current[leafIndex] ?? undefined, event, ts, now);
      if (next === undefined) continue;
      states ??= current.slice();
      states[leafIndex] = next;
    }
    if (states !== undefined) {
      state.s[segment.version] = { v: segment.version, l: states };
      touched.segments.add(segment.definition.id);
    }
  }
  for (const id of targets.traits) {
    if (only !== undefined && !only.has(id)) continue;
    const trait = model.traits.get(id)!;
    const next = trait.apply(traitState(state, trait), event, ts, now);
    if (next === undefined) continue;
    state.c[id] = { v: trait.version, st: next };
    touched.traits.add(id);
  }
}

/** A change of membership: the segment, and whether the profile entered or left it. */
export interface MembershipChange {
  segmentId: string;
  entered: boolean;
}

/** The context leaves of this profile read. */
export function leafContext(
  model: SegmentModel,
  state: ProfileSegmentState,
  profileId: string,
  traits: Record<string, unknown>,
  now: number,
): LeafContext {
  return {
    now,
    profileId,
    traits,
    members: state.m,
    computed: (id) => {
      const trait = model.traits.get(id);
      return trait === undefined ? undefined : trait.value(traitState(state, trait), now);
    },
  };
}

/**
 * Re-evaluates the segments an event (or time) may have changed, in dependency order, and
 * updates `state.m`. `all` re-evaluates every segment (time passed, a merge, a first sight).
 */
export function evaluateProfile(
  model: SegmentModel,
  state: ProfileSegmentState,
  profileId: string,
  traits: Record<string, unknown>,
  now: number,
  touched: Touched | 'all',
  traitsChanged = false,
): MembershipChange[] {
  const changes: MembershipChange[] = [];
  let changed: Set<string> | undefined;
  const context = leafContext(model, state, profileId, traits, now);
  const hasAny = (ids: readonly string[], set: ReadonlySet<string> | undefined) => {
    if (set === undefined || set.size === 0) return false;
    for (const id of ids) if (set.has(id)) return true;
    return false;
  };
  for (const segment of model.segments) {
    const id = segment.definition.id;
    const due =
      touched === 'all' ||
      touched.segments.has(id) ||
      (traitsChanged && segment.usesTraits) ||
      state.s[segment.version] === undefined ||
      hasAny(segment.segmentList, changed) ||
      hasAny(segment.computedTraitList, touched.traits);
    if (!due) continue;
    state.s[segment.version] ??= { v: segment.version, l: leafStates(state, segment) };
    const member = evaluateNode(segment.root, segment, state.s[segment.version]!.l, context);
    if (member === (state.m[id] !== undefined)) continue;
    changed ??= new Set();
    changed.add(id);
    changes.push({ segmentId: id, entered: member });
    if (member) {
      state.m[id] = now;
      if (!state.j.includes(id)) state.j.push(id);
    } else {
      delete state.m[id];
    }
  }
  return changes;
}

/** The next instant after `now` at which time alone may change a membership, or undefined. */
export function nextBoundary(
  model: SegmentModel,
  state: ProfileSegmentState,
  profileId: string,
  traits: Record<string, unknown>,
  now: number,
): number | undefined {
  const context = leafContext(model, state, profileId, traits, now);
  let next: number | undefined;
  const consider = (at: number | undefined) => {
    if (at !== undefined && at > now && (next === undefined || at < next)) next = at;
  };
  for (const segment of model.segments) {
    const states = leafStates(state, segment);
    segment.leaves.forEach((leaf, index) => {
      consider(leaf.boundary?.(states[index] ?? undefined, context));
    });
  }
  for (const trait of model.traits.values()) consider(trait.boundary(traitState(state, trait), now));
  return next;
}
