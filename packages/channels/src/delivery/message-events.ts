import { createHash } from 'node:crypto';
import { type CxEvent, normalizeEvent, type ProfileRecord, withProfileId } from '@cx/core';
import type { DeliveryEventType } from '../contract/delivery-event';
import type { MessageRecord } from '../outbox/message-record';

/**
 * The track events cx writes on a profile for its messages, so segments, journeys and metrics see
 * them: the eight delivery events, plus `Message Suppressed` when consent or a contact-pressure
 * rule stopped one.
 */
export const MESSAGE_EVENTS = {
  sent: 'Message Sent',
  delivered: 'Message Delivered',
  opened: 'Message Opened',
  clicked: 'Message Clicked',
  bounced: 'Message Bounced',
  complained: 'Message Complained',
  unsubscribed: 'Message Unsubscribed',
  failed: 'Message Failed',
  suppressed: 'Message Suppressed',
} as const satisfies Record<DeliveryEventType | 'suppressed', string>;

/** The library name cx's message events carry in `context.library`. */
export const CHANNELS_LIBRARY = '@cx/channels';

/**
 * A message event on the profile. Its `messageId` is derived from the message, the type and
 * `dedupe` (the provider's event id, the clicked URL), so a webhook delivered twice or a retried
 * commit stores it once.
 */
export function messageEvent(
  profile: Pick<ProfileRecord, 'id' | 'identifiers'>,
  record: Pick<MessageRecord, 'id' | 'source' | 'step' | 'category' | 'topic'>,
  type: keyof typeof MESSAGE_EVENTS,
  at: number,
  properties: Record<string, unknown>,
  dedupe = '',
): CxEvent {
  const messageId = `chn-${createHash('sha1').update(`${record.id}\u0000${type}\u0000${dedupe}`).digest('hex')}`;
  const userId = profile.identifiers.find((each) => each.type === 'user_id')?.value;
  const event = normalizeEvent(
    {
      type: 'track',
      event: MESSAGE_EVENTS[type],
      messageId,
      ...(userId === undefined ? { anonymousId: profile.id } : { userId }),
      properties: {
        messageId: record.id,
        source: record.source,
        step: record.step,
        category: record.category,
        ...(record.topic === undefined ? {} : { topic: record.topic }),
        ...properties,
      },
      timestamp: new Date(at).toISOString(),
      context: { library: { name: CHANNELS_LIBRARY } },
    },
    { receivedAt: at },
  );
  return withProfileId(event, profile.id);
}
