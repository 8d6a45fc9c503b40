import { createHash } from 'node:crypto';
import { type CxEvent, normalizeEvent, type ProfileRecord, withProfileId } from '@cx/core';
import type { JourneyEventName } from '../engine/step-types';

/** The library name the runtime's events carry in `context.library`. */
export const JOURNEY_LIBRARY = '@cx/journey';

/**
 * A `Journey Entered`, `Step` or `Exited` track event on the profile. Its `messageId` hashes the
 * instance id and the event's sequence in the instance, so a step stepped again after a
 * `CONFLICT` (or a crash) writes the same ids and the log stores each event once. An event
 * recorded outside the instance's steps names itself instead of a sequence number (a webhook given
 * up on: `webhook:<key>`), so it is stored once however often it is recorded.
 *
 * @example
 * ```ts
 * journeyProfileEvent(profile, 'cart@1/p1/1', 0, 'Journey Entered', { journeyId: 'cart' }, now);
 * ```
 */
export function journeyProfileEvent(
  profile: Pick<ProfileRecord, 'id' | 'identifiers'> | { id: string; identifiers?: undefined },
  instanceId: string,
  sequence: number | string,
  name: JourneyEventName,
  properties: Record<string, unknown>,
  at: number,
): CxEvent {
  const messageId = `jny-${createHash('sha1').update(`${instanceId}\u0000${sequence}`).digest('hex')}`;
  const userId = profile.identifiers?.find((each) => each.type === 'user_id')?.value;
  const event = normalizeEvent(
    {
      type: 'track',
      event: name,
      messageId,
      ...(userId === undefined ? { anonymousId: profile.id } : { userId }),
      properties,
      timestamp: new Date(at).toISOString(),
      context: { library: { name: JOURNEY_LIBRARY } },
    },
    { receivedAt: at },
  );
  return withProfileId(event, profile.id);
}
