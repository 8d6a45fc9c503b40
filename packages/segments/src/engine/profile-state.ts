import type { ComputedTraitState } from '../computed/compile-computed-trait';

/** The collection of per-profile state documents, keyed by profile id. */
export const PROFILE_STATE = 'segments.profiles';

/**
 * Everything the engine keeps about one profile, in one document so an event costs one read and
 * one write: leaf states per segment (tagged with the definition's version), computed-trait
 * states, current memberships, and when time alone may change something.
 */
export interface ProfileSegmentState {
  /** `segmentId@version` → the leaf states of that version of the segment, by leaf index. */
  s: Record<string, { v: string; l: unknown[] }>;
  /** Computed trait id → version and state. */
  c: Record<string, { v: string; st: ComputedTraitState | undefined }>;
  /** Segment id → when the profile entered it (epoch ms). */
  m: Record<string, number>;
  /** Segments the profile was ever in, so a deletion finds its history. */
  j: string[];
  /** The next instant a window, trait date or computed trait may change membership (epoch ms). */
  n?: number;
  /** Who the profile's latest event named, for the events the engine writes on it. */
  u?: { userId?: string; anonymousId?: string };
}

/** A fresh, empty state. */
export const emptyProfileState = (): ProfileSegmentState => ({ s: {}, c: {}, m: {}, j: [] });

/** A copy the engine may change without touching the one it read. */
export const cloneProfileState = (state: ProfileSegmentState): ProfileSegmentState => ({
  s: { ...state.s },
  c: { ...state.c },
  m: { ...state.m },
  j: [...state.j],
  ...(state.n !== undefined ? { n: state.n } : {}),
  ...(state.u !== undefined ? { u: state.u } : {}),
});
