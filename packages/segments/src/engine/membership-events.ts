import { createHash } from 'node:crypto';
import { type CxEvent, normalizeEvent, withProfileId } from '@cx/core';
import type { ProfileSegmentState } from './profile-state';

/** The events the engine writes on a profile when its membership changes. */
export const SEGMENT_EVENTS = { entered: 'Segment Entered', exited: 'Segment Exited' } as const;

/** The library name the engine's events carry in `context.library`. */
export const SEGMENTS_LIBRARY = '@cx/segments';

/** Why a membership changed. */
export type MembershipCause =
  /** An event of the profile (its id and name). */
  | { type: 'event'; messageId: string; event: string }
  /** Time passed: a window or a date closed (or opened). */
  | { type: 'time' }
  /** Two profiles became one (or were split again). */
  | { type: 'merge' | 'unmerge'; mergeId?: string }
  /** A new or edited definition was applied to the history. */
  | { type: 'definition'; version: number };

/** A membership change, ready to record. */
export interface RecordedChange {
  profileId: string;
  segmentId: string;
  segmentName: string;
  entered: boolean;
  at: number;
  cause: MembershipCause;
}

const causeKey = (cause: MembershipCause, at: number) =>
  cause.type === 'event'
    ? cause.messageId
    : cause.type === 'definition'
      ? `v${cause.version}`
      : `${cause.type}@${at}`;

/**
 * A `Segment Entered` or `Segment Exited` track event on the profile. Its `messageId` is derived
 * from the change and its cause, so recording the same change again (a retried step) stores
 * nothing twice.
 */
export function membershipEvent(change: RecordedChange, state: ProfileSegmentState): CxEvent {
  const kind = change.entered ? 'entered' : 'exited';
  const messageId = `seg-${createHash('sha1')
    .update(
      `${change.segmentId}\u0000${change.profileId}\u0000${kind}\u0000${causeKey(change.cause, change.at)}`,
    )
    .digest('hex')}`;
  const who =
    state.u?.userId !== undefined
      ? { userId: state.u.userId }
      : { anonymousId: state.u?.anonymousId ?? change.profileId };
  const event = normalizeEvent(
    {
      type: 'track',
      event: SEGMENT_EVENTS[kind],
      messageId,
      ...who,
      properties: { segmentId: change.segmentId, segmentName: change.segmentName, cause: change.cause },
      timestamp: new Date(change.at).toISOString(),
      context: { library: { name: SEGMENTS_LIBRARY } },
    },
    { receivedAt: change.at },
  );
  return withProfileId(event, change.profileId);
}
