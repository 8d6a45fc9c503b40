import { z } from 'zod';
import { type ChannelKind, channelKindSchema } from '../contract/channel-kind';
import type { ContactPreferences, SuppressionReason } from './contact-preferences';

/** One change to a person's preferences. */
export type PreferenceChangeInput =
  /** Leave marketing: everything (no channel), a channel, or a topic (on one channel or on all). */
  | { op: 'unsubscribe'; channel?: ChannelKind; topic?: string }
  /** Undo an unsubscribe, or join an opt-in topic. */
  | { op: 'subscribe'; channel?: ChannelKind; topic?: string }
  /** Stop everything on a channel, transactional included. */
  | { op: 'suppress'; channel: ChannelKind; reason: SuppressionReason; address?: string }
  | { op: 'unsuppress'; channel: ChannelKind };

/** zod schema of {@link PreferenceChangeInput}. */
export const preferenceChangeSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('unsubscribe'),
    channel: channelKindSchema.optional(),
    topic: z.string().min(1).optional(),
  }),
  z.object({
    op: z.literal('subscribe'),
    channel: channelKindSchema.optional(),
    topic: z.string().min(1).optional(),
  }),
  z.object({
    op: z.literal('suppress'),
    channel: channelKindSchema,
    reason: z.enum(['hard-bounce', 'complaint', 'manual']),
    address: z.string().optional(),
  }),
  z.object({ op: z.literal('unsuppress'), channel: channelKindSchema }),
]);

/**
 * Applies one change to a copy of the preferences. `channels` lists where a topic change applies
 * when the change names no channel (the topic's channels).
 */
export function applyPreferenceChange(
  current: ContactPreferences,
  change: PreferenceChangeInput,
  stamp: { at: string; source: string },
  topicChannels: readonly ChannelKind[],
): ContactPreferences {
  const next: ContactPreferences = structuredClone(current);
  const channel = (kind: ChannelKind) => {
    next.channels[kind] ??= {};
    return next.channels[kind];
  };
  switch (change.op) {
    case 'unsubscribe':
    case 'subscribe': {
      const joining = change.op === 'subscribe';
      if (change.topic !== undefined) {
        for (const kind of change.channel ? [change.channel] : topicChannels) {
          const preferences = channel(kind);
          preferences.topics = { ...preferences.topics, [change.topic]: joining };
        }
      } else if (change.channel !== undefined) {
        if (joining) delete channel(change.channel).unsubscribed;
        else channel(change.channel).unsubscribed = stamp;
      } else if (joining) {
        delete next.unsubscribedAll;
      } else {
        next.unsubscribedAll = stamp;
      }
      break;
    }
    case 'suppress':
      channel(change.channel).suppressed = {
        ...stamp,
        reason: change.reason,
        ...(change.address === undefined ? {} : { address: change.address }),
      };
      break;
    case 'unsuppress':
      delete channel(change.channel).suppressed;
      break;
  }
  return next;
}
