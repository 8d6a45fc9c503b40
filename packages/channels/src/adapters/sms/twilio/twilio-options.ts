import type { Clock } from '@cx/core';
import { z } from 'zod';
import { clockOptionSchema } from '../../shared/parse-adapter-options';

/** Options of `twilioSms`. */
export interface TwilioSmsOptions {
  /** Your Account SID (`AC…`); with a Twilio-compatible provider, its account or project id. */
  accountSid: string;
  /** The Auth Token: it authenticates requests and signs webhooks. */
  authToken: string;
  /** Sender: an E.164 number or an alphanumeric sender id. Give this or `messagingServiceSid`. */
  from?: string;
  /** A Messaging Service (`MG…`) that picks the sender. Give this or `from`. */
  messagingServiceSid?: string;
  /** Where Twilio posts status callbacks (your endpoint that calls `parseWebhook`). */
  statusCallback?: string;
  /** API origin; default `https://api.twilio.com`. Point it at a compatible provider or a local server. */
  baseUrl?: string;
  /** Removes Vietnamese diacritics before sending, so the text fits GSM-7 (160 characters a part). */
  stripDiacritics?: boolean;
  /** Adapter id; default `twilio`. */
  id?: string;
  /** Per-request timeout in ms; default 15 000. */
  timeoutMs?: number;
  /** The clock webhook events are stamped with; default the system clock. */
  clock?: Clock;
}

/**
 * zod schema of {@link TwilioSmsOptions}; the factory parses its options with it (a failure is a `ConfigError`).
 *
 * @example
 * ```ts
 * twilioSmsOptionsSchema.safeParse(options).success; // false for missing or malformed options
 * ```
 */
export const twilioSmsOptionsSchema = z
  .strictObject({
    accountSid: z.string().min(1),
    authToken: z.string().min(1),
    from: z.string().min(1).optional(),
    messagingServiceSid: z.string().min(1).optional(),
    statusCallback: z.url().optional(),
    baseUrl: z.url().optional(),
    stripDiacritics: z.boolean().optional(),
    id: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().optional(),
    clock: clockOptionSchema.optional(),
  })
  .refine((options) => (options.from === undefined) !== (options.messagingServiceSid === undefined), {
    message: 'give exactly one of from and messagingServiceSid',
    path: ['from'],
  });
