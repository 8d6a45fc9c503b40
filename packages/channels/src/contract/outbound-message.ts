import { z } from 'zod';
import { type ChannelKind, channelKindSchema, type MessageCategory } from './channel-kind';

/** A browser's push subscription, as `PushManager.subscribe()` returns it. */
export interface PushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A mobile device registered for push. */
export interface DeviceToken {
  platform: 'fcm' | 'apns';
  token: string;
}

/** Where a message goes. Each adapter reads the address of its own channel. */
export interface Recipient {
  /** The cx profile the message is for. */
  profileId: string;
  /** Email address, for `email`. */
  email?: string;
  /** Phone number in E.164 (`+84912345678`), for `sms` and `zns`. */
  phone?: string;
  /** Browser push subscription, for `web-push`. */
  pushSubscription?: PushSubscription;
  /** Device token, for `mobile-push`. */
  device?: DeviceToken;
  /** Endpoint URL, for `webhook`. */
  url?: string;
  /** BCP 47 locale of the person (`vi-VN`), for templates. */
  locale?: string;
  /** IANA time zone of the person (`Asia/Ho_Chi_Minh`), for quiet hours and caps. */
  timezone?: string;
}

/**
 * The rendered content of a message. Which fields an adapter needs depends on its channel:
 * email needs `subject` and `html` or `text`; SMS needs `text`; push needs `title` or `text`;
 * ZNS needs `templateId` and `templateData`; webhook sends `data` (or `text`).
 */
export interface MessageContent {
  subject?: string;
  html?: string;
  text?: string;
  title?: string;
  /** A URL the message opens when clicked (push, in-app). */
  url?: string;
  icon?: string;
  image?: string;
  /** Provider-side template id (Zalo ZNS). */
  templateId?: string;
  /** Values for a provider-side template (Zalo ZNS). */
  templateData?: Record<string, string | number>;
  /** Structured payload (webhook body, push data). */
  data?: Record<string, unknown>;
}

/** Links the message carries for the person: one-click unsubscribe and the preference page. */
export interface MessageLinks {
  /** The https one-click unsubscribe URL (RFC 8058), signed. */
  unsubscribe?: string;
  /** A `mailto:` unsubscribe address, for `List-Unsubscribe`. */
  unsubscribeMailto?: string;
  /** The preference page URL, signed. */
  preferences?: string;
}

/** Push delivery hints (web push `TTL`, `Urgency`, `Topic`; APNs and FCM priority and expiry). */
export interface PushOptions {
  /** Seconds the push service keeps an undelivered message. */
  ttl?: number;
  urgency?: 'very-low' | 'low' | 'normal' | 'high';
  /** Replaces an undelivered message with the same topic (web push `Topic`, APNs collapse id). */
  topic?: string;
}

/** One message as an adapter receives it: rendered, addressed and keyed. */
export interface OutboundMessage {
  /**
   * The message's deterministic id (source + step + profile): the idempotency key. Adapters send
   * it to providers that accept one, so a retried send is not delivered twice.
   */
  id: string;
  channel: ChannelKind;
  category: MessageCategory;
  /** The subscription topic (`promotions`, `order-updates`), when there is one. */
  topic?: string;
  to: Recipient;
  content: MessageContent;
  links?: MessageLinks;
  push?: PushOptions;
  /** Free-form values carried to the provider where it has a place for them (tags, metadata). */
  metadata?: Record<string, string>;
}

const pushSubscriptionSchema = z.object({
  endpoint: z.url(),
  keys: z.object({ p256dh: z.string().min(1), auth: z.string().min(1) }),
});

/** zod schema of {@link Recipient}. */
export const recipientSchema = z.object({
  profileId: z.string().min(1),
  email: z.email().optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +84912345678')
    .optional(),
  pushSubscription: pushSubscriptionSchema.optional(),
  device: z.object({ platform: z.enum(['fcm', 'apns']), token: z.string().min(1) }).optional(),
  url: z.url().optional(),
  locale: z.string().min(2).optional(),
  timezone: z.string().min(1).optional(),
});

/** zod schema of {@link MessageContent}. */
export const messageContentSchema = z.object({
  subject: z.string().optional(),
  html: z.string().optional(),
  text: z.string().optional(),
  title: z.string().optional(),
  url: z.url().optional(),
  icon: z.string().optional(),
  image: z.string().optional(),
  templateId: z.string().min(1).optional(),
  templateData: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** zod schema of {@link OutboundMessage}. */
export const outboundMessageSchema = z.object({
  id: z.string().min(1).max(256),
  channel: channelKindSchema,
  category: z.enum(['marketing', 'transactional']),
  topic: z.string().min(1).optional(),
  to: recipientSchema,
  content: messageContentSchema,
  links: z
    .object({
      unsubscribe: z.url().optional(),
      unsubscribeMailto: z.string().startsWith('mailto:').optional(),
      preferences: z.url().optional(),
    })
    .optional(),
  push: z
    .object({
      ttl: z.number().int().min(0).max(2_419_200).optional(),
      urgency: z.enum(['very-low', 'low', 'normal', 'high']).optional(),
      topic: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,32}$/, 'at most 32 URL-safe base64 characters')
        .optional(),
    })
    .optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});
