import { type Clock, ConfigError, validationErrorFromZod } from '@cx/core';
import { z } from 'zod';
import type { OutboundMessage, PushSubscription } from '../../contract/outbound-message';
import type { VapidDetails } from './vapid';
import { vapidKeyProblem } from './vapid-keys';

/**
 * Options of {@link webPush}.
 *
 * @example
 * ```ts
 * const options: WebPushOptions = {
 *   vapid: { subject: 'mailto:ops@example.com', publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY },
 *   onSubscriptionExpired: (subscription) => subscriptions.delete(subscription.endpoint),
 * };
 * ```
 */
export interface WebPushOptions {
  /** The application server's VAPID identity; the public key is the one browsers subscribed with. */
  vapid: VapidDetails;
  /** The adapter's id; default `web-push`. */
  id?: string;
  /**
   * Called when the push service says a subscription is gone (404/410), before the send fails with
   * `RecipientUnreachableError`: delete the subscription here so it is never tried again.
   */
  onSubscriptionExpired?: (subscription: PushSubscription, message: OutboundMessage) => Promise<void>;
  /** Seconds a push service keeps a message whose `push.ttl` is unset; default 2 419 200 (28 days). */
  ttl?: number;
  /**
   * Allows `http:` endpoints (a local push service in tests). Off by default: subscriptions come from
   * browsers, whose endpoints are always https, so an http one is forged and could aim the server
   * at an internal address.
   */
  allowInsecureEndpoints?: boolean;
  /** Where time comes from (VAPID `exp`); the system clock by default. */
  clock?: Clock;
  /** Gives up on a push service after this many ms; default 15 000. */
  timeoutMs?: number;
}

/**
 * The push service maximum RFC 8030 allows a sender to ask for, and the default.
 *
 * @example
 * ```ts
 * webPush({ vapid, ttl: MAX_TTL_SECONDS });
 * ```
 */
export const MAX_TTL_SECONDS = 2_419_200;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding');

const optionsSchema = z.strictObject({
  vapid: z
    .strictObject({
      subject: z
        .string()
        .refine(
          (subject) => /^mailto:[^@\s]+@[^@\s]+$/.test(subject) || /^https:\/\/[^/\s]+/.test(subject),
          'must be a mailto: address or an https: URL',
        ),
      publicKey: base64url,
      privateKey: base64url,
    })
    .superRefine((keys, context) => {
      const problem = vapidKeyProblem(keys);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  id: z.string().min(1).optional(),
  onSubscriptionExpired: z
    .custom<WebPushOptions['onSubscriptionExpired']>(
      (value) => typeof value === 'function',
      'Expected a function',
    )
    .optional(),
  ttl: z.number().int().min(0).max(MAX_TTL_SECONDS).optional(),
  allowInsecureEndpoints: z.boolean().optional(),
  clock: z
    .custom<Clock>((value) => typeof (value as Clock | null)?.now === 'function', 'Expected a Clock')
    .optional(),
  timeoutMs: z.number().int().positive().optional(),
});

/**
 * Checks {@link WebPushOptions}; a mistake is a `ConfigError` naming the option, raised when the
 * adapter is made rather than at the first send.
 *
 * @example
 * ```ts
 * const options = parseWebPushOptions({ vapid: { subject: 'mailto:ops@example.com', ...generateVapidKeys() } });
 * ```
 */
export function parseWebPushOptions(options: unknown): WebPushOptions {
  const result = optionsSchema.safeParse(options);
  if (result.success) return result.data as WebPushOptions;
  const invalid = validationErrorFromZod(result.error, 'webPush options');
  throw new ConfigError(invalid.message, { cause: invalid });
}
