import { z } from 'zod';
import { type ChannelKind, channelKindSchema } from '../contract/channel-kind';

/**
 * A subscription topic people can join or leave per channel (`promotions`, `order-updates`,
 * `newsletter`). `optIn` topics send only to people who subscribed; the others send to everyone
 * who has not left.
 */
export interface SubscriptionTopic {
  id: string;
  /** What the preference page shows. */
  name: string;
  description?: string;
  /** The channels the topic sends on; default every channel. */
  channels?: ChannelKind[];
  /** True when people must subscribe first (double opt-in lists); default false (opt-out). */
  optIn?: boolean;
}

/** zod schema of a list of {@link SubscriptionTopic}s with unique ids. */
export const subscriptionTopicsSchema = z
  .array(
    z.object({
      id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" and "-"'),
      name: z.string().min(1).max(200),
      description: z.string().max(1000).optional(),
      channels: z.array(channelKindSchema).min(1).optional(),
      optIn: z.boolean().optional(),
    }),
  )
  .superRefine((topics, context) => {
    const seen = new Set<string>();
    topics.forEach((topic, index) => {
      if (seen.has(topic.id)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `topic ${topic.id} is defined twice`,
        });
      }
      seen.add(topic.id);
    });
  });
