import type { ChannelKind, MessageCategory } from '../contract/channel-kind';
import type { ContactPreferences } from './contact-preferences';
import type { SubscriptionTopic } from './subscription-topics';

/** Which consent rule stopped a message. */
export type ConsentRule =
  | 'suppressed'
  | 'unsubscribed-all'
  | 'unsubscribed-channel'
  | 'unsubscribed-topic'
  | 'not-subscribed'
  | 'topic-not-on-channel';

/** Whether a message may go, and if not, which rule said so and why. */
export type ConsentDecision = { allowed: true } | { allowed: false; rule: ConsentRule; reason: string };

/** What {@link checkConsent} looks at. */
export interface ConsentRequest {
  channel: ChannelKind;
  category: MessageCategory;
  topic?: string;
}

/**
 * Decides whether a person's preferences let a message through. Suppressions (hard bounces,
 * complaints, manual blocks) stop everything; transactional messages ignore the rest; marketing
 * messages need the person not to have left everything, the channel or the topic, and to have
 * joined opt-in topics.
 *
 * @example
 * ```ts
 * checkConsent({ channels: { email: { unsubscribed: { at, source: 'one-click' } } } }, topics,
 *   { channel: 'email', category: 'marketing' });
 * // { allowed: false, rule: 'unsubscribed-channel', reason: 'unsubscribed from marketing email (one-click, 2026-…)' }
 * ```
 */
export function checkConsent(
  preferences: ContactPreferences,
  topics: ReadonlyMap<string, SubscriptionTopic>,
  request: ConsentRequest,
): ConsentDecision {
  const channel = preferences.channels[request.channel];
  if (channel?.suppressed) {
    const { reason, source, at } = channel.suppressed;
    return {
      allowed: false,
      rule: 'suppressed',
      reason: `${request.channel} suppressed: ${reason} (${source}, ${at})`,
    };
  }
  const topic = request.topic === undefined ? undefined : topics.get(request.topic);
  if (topic?.channels && !topic.channels.includes(request.channel)) {
    return {
      allowed: false,
      rule: 'topic-not-on-channel',
      reason: `topic ${topic.id} does not send on ${request.channel}`,
    };
  }
  if (request.category === 'transactional') return { allowed: true };
  if (preferences.unsubscribedAll) {
    const { source, at } = preferences.unsubscribedAll;
    return {
      allowed: false,
      rule: 'unsubscribed-all',
      reason: `unsubscribed from all marketing (${source}, ${at})`,
    };
  }
  if (channel?.unsubscribed) {
    const { source, at } = channel.unsubscribed;
    return {
      allowed: false,
      rule: 'unsubscribed-channel',
      reason: `unsubscribed from marketing ${request.channel} (${source}, ${at})`,
    };
  }
  if (request.topic !== undefined) {
    const choice = channel?.topics?.[request.topic];
    if (choice === false) {
      return {
        allowed: false,
        rule: 'unsubscribed-topic',
        reason: `left topic ${request.topic} on ${request.channel}`,
      };
    }
    if (choice !== true && topic?.optIn) {
      return {
        allowed: false,
        rule: 'not-subscribed',
        reason: `topic ${request.topic} is opt-in and was never joined on ${request.channel}`,
      };
    }
  }
  return { allowed: true };
}
