import type { MembershipCause } from '../engine/membership-events';

/** The collection of membership history, keyed `segmentId/profileId`. */
export const MEMBERSHIP_HISTORY = 'segments.history';

/** The history key of one profile in one segment. */
export const historyKey = (segmentId: string, profileId: string) => `${segmentId}/${profileId}`;

/** One stay in a segment: entered at `in`, left at `out` (absent while still a member). */
export interface MembershipSpan {
  in: number;
  out?: number;
  inCause: MembershipCause;
  outCause?: MembershipCause;
}

/** A profile's stays in one segment, oldest first; only ever appended to (or closed). */
export interface MembershipHistory {
  segmentId: string;
  profileId: string;
  spans: MembershipSpan[];
}

/** Whether the history holds a stay that covers `at`. */
export const memberAt = (history: MembershipHistory, at: number) =>
  history.spans.some((span) => span.in <= at && (span.out === undefined || span.out > at));

/** Time spent in the segment up to `until` (ms). */
export const timeInSegment = (history: MembershipHistory, until: number) =>
  history.spans.reduce((total, span) => total + Math.max(0, Math.min(span.out ?? until, until) - span.in), 0);
