import { z } from 'zod';
import { type ChannelKind, channelKindSchema, type MessageCategory } from '../contract/channel-kind';
import type { PushOptions } from '../contract/outbound-message';
import { outboundMessageSchema } from '../contract/outbound-message';
import { type TemplateDefinition, templateDefinitionSchema } from '../templates';

/** A message to send to one person, from a journey step, a segment send or an API call. */
export interface SendRequest {
  /** Who sends: `journey:abandoned-cart@3`, `campaign:black-friday`, `api`. Part of the message id. */
  source: string;
  /** Which step of the source: a journey node, a campaign wave. Part of the message id. */
  step: string;
  profileId: string;
  /**
   * The channels to try, in order: the first is preferred, the others are the fallback chain
   * (`['zns', 'sms']`, `['web-push', 'email']`). A channel is left for the next when the person
   * cannot be reached there, consent forbids it, or every provider failed.
   */
  channels: ChannelKind[];
  /** The template for each channel of the chain: a saved template's id, or a definition inline. */
  templates: Partial<Record<ChannelKind, string | TemplateDefinition>>;
  /** Default `marketing`. */
  category?: MessageCategory;
  /** The subscription topic, for consent and per-topic caps. */
  topic?: string;
  /** Custom data for the templates (`{{ data.coupon }}`). */
  data?: Record<string, unknown>;
  /** The event that triggered the send (`{{ event.properties.productName }}`). */
  event?: Record<string, unknown>;
  /** Send no earlier than this (ISO time, `Date` or epoch ms); default now. */
  sendAt?: string | Date | number;
  /** Overrides the person's locale for the templates. */
  locale?: string;
  push?: PushOptions;
}

/** zod schema of {@link SendRequest}. */
export const sendRequestSchema = z
  .object({
    source: z.string().min(1).max(200),
    step: z.string().min(1).max(200),
    profileId: z.string().min(1).max(1024),
    channels: z
      .array(channelKindSchema)
      .min(1)
      .max(4)
      .refine((list) => new Set(list).size === list.length, 'a channel appears twice in the chain'),
    templates: z.partialRecord(channelKindSchema, z.union([z.string().min(1), templateDefinitionSchema])),
    category: z.enum(['marketing', 'transactional']).optional(),
    topic: z.string().min(1).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    event: z.record(z.string(), z.unknown()).optional(),
    sendAt: z.union([z.iso.datetime({ offset: true }), z.date(), z.number().int()]).optional(),
    locale: z.string().min(2).optional(),
    push: outboundMessageSchema.shape.push,
  })
  .superRefine((request, context) => {
    request.channels.forEach((channel, index) => {
      if (request.templates[channel] === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['templates', channel],
          message: `no template for ${channel}`,
        });
      }
      const template = request.templates[channel];
      if (typeof template === 'object' && template.channel !== channel) {
        context.addIssue({
          code: 'custom',
          path: ['templates', channel, 'channel'],
          message: `template is for ${template.channel}, the chain's channel ${index} is ${channel}`,
        });
      }
    });
  });
