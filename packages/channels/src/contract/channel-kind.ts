import { z } from 'zod';

/** Every channel cx delivers on. */
export const CHANNEL_KINDS = ['email', 'sms', 'zns', 'web-push', 'mobile-push', 'webhook', 'in-app'] as const;

/**
 * A delivery channel: `email`, `sms`, `zns` (Zalo Notification Service), `web-push`, `mobile-push`
 * (FCM and APNs), `webhook` (chat and custom endpoints) or `in-app` (the onsite inbox).
 */
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** zod schema of {@link ChannelKind}. */
export const channelKindSchema = z.enum(CHANNEL_KINDS);

/**
 * `transactional` messages (receipts, password resets, delivery notices) ignore marketing opt-outs
 * and frequency caps, but never a hard bounce or a suppression; `marketing` messages honour all.
 */
export type MessageCategory = 'marketing' | 'transactional';
