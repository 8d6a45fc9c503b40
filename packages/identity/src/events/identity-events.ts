import { type CxEvent, type Identifier, normalizeEvent, withProfileId } from '@cx/core';
import type { IdentityRuntime } from '../runtime';

/**
 * The events identity writes on a profile, in the same commit as the change they describe, so
 * segments, journeys and metrics learn of merges, unmerges, suppressions and deletions from the
 * event log, in order with the events that caused them.
 */
export const IDENTITY_EVENTS = {
  /** Two profiles became one: `{ mergeId, into, from, rule, decisionId, causedBy? }`. */
  merged: 'Profile Merged',
  /** A merge was undone: `{ mergeId, into, from }`. */
  unmerged: 'Profile Unmerged',
  /** The person's events are blocked: `{ profileId }`. */
  suppressed: 'Profile Suppressed',
  /** The person's events are accepted again: `{ profileId }`. */
  unsuppressed: 'Profile Unsuppressed',
  /** The person was deleted everywhere: `{ profileIds }`; it carries no identifier. */
  deleted: 'Profile Deleted',
} as const;

/** The library name identity's events carry in `context.library`. */
export const IDENTITY_LIBRARY = '@cx/identity';

/**
 * A `track` event of identity's own on `profileId`. It names the person by their user id, else
 * their anonymous id, else (no identifier to name, as after a deletion) the profile id as
 * anonymous id: the event schema wants one of the two.
 */
export function identityEvent(
  runtime: IdentityRuntime,
  name: (typeof IDENTITY_EVENTS)[keyof typeof IDENTITY_EVENTS],
  profileId: string,
  identifiers: readonly Identifier[],
  properties: Record<string, unknown>,
): CxEvent {
  const userId = identifiers.find((identifier) => identifier.type === 'user_id')?.value;
  const anonymousId = identifiers.find((identifier) => identifier.type === 'anonymous_id')?.value;
  const now = runtime.clock.now();
  const event = normalizeEvent(
    {
      type: 'track',
      event: name,
      ...(userId !== undefined ? { userId } : { anonymousId: anonymousId ?? profileId }),
      properties,
      timestamp: new Date(now).toISOString(),
      context: { library: { name: IDENTITY_LIBRARY } },
    },
    { receivedAt: now, newId: runtime.newId },
  );
  return withProfileId(event, profileId);
}

/** True for an event identity wrote itself (see {@link IDENTITY_EVENTS}). */
export const isIdentityEvent = (event: CxEvent): boolean =>
  event.type === 'track' && event.context?.library?.name === IDENTITY_LIBRARY;
