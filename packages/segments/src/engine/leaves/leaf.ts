import type { CxEvent } from '@cx/core';
import type { SegmentNode } from '../../definition/segment-schema';

/** What a leaf may read besides its own state when it is evaluated. */
export interface LeafContext {
  now: number;
  profileId: string;
  /** The profile's traits (read only when a leaf needs them). */
  traits: Record<string, unknown>;
  /** Segments the profile is in now (those evaluated earlier in dependency order included). */
  members: Readonly<Record<string, number>>;
  /** A computed trait's current value. */
  computed(traitId: string): unknown;
}

/**
 * One leaf of a compiled segment: the per-profile state it keeps, how an event changes that
 * state, whether it holds, and when it could stop (or start) holding without a new event.
 * States are JSON, so they live in the profile's state document.
 */
export interface Leaf<S = unknown> {
  node: SegmentNode;
  /** Event names whose events change the state; absent for leaves without state. */
  readonly events?: ReadonlySet<string>;
  /** Reads the profile's traits. */
  readonly usesTraits?: boolean;
  /** The state after `event` (at `ts`), or `undefined` when the event does not match. */
  apply?(state: S | undefined, event: CxEvent, ts: number, now: number): S | undefined;
  holds(state: S | undefined, context: LeafContext): boolean;
  /** The next instant after `now` at which `holds` may change with no new event. */
  boundary?(state: S | undefined, context: LeafContext): number | undefined;
  /** The values the leaf looked at, for explain. */
  seen(state: S | undefined, context: LeafContext): Record<string, unknown>;
}
