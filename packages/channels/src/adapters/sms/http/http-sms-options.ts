import type { Clock } from '@cx/core';
import { z } from 'zod';
import { clockOptionSchema } from '../../shared/parse-adapter-options';

/** Options of `httpSms`. */
export interface HttpSmsOptions {
  /** The gateway endpoint messages are posted to. */
  url: string;
  /** Sender (number or brand name), sent as `from`. */
  from?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** More headers for every request (an API key header of the gateway's own). */
  headers?: Record<string, string>;
  /** Dotted path of the message id in the gateway's JSON answer; default `id` (`data.messageId`). */
  responseId?: string;
  /** The secret the gateway signs delivery webhooks with (at least 32 characters); without it, no `parseWebhook`. */
  webhookSecret?: string;
  /** How far a webhook's `t` may be from now, in seconds; default 300. */
  toleranceSeconds?: number;
  /** Removes Vietnamese diacritics before sending, so the text fits GSM-7 (160 characters a part). */
  stripDiacritics?: boolean;
  /** Adapter id; default `http-sms`. */
  id?: string;
  /** Per-request timeout in ms; default 15 000. */
  timeoutMs?: number;
  /** The clock webhook timestamps are checked against; default the system clock. */
  clock?: Clock;
}

/**
 * zod schema of {@link HttpSmsOptions}; the factory parses its options with it (a failure is a `ConfigError`).
 *
 * @example
 * ```ts
 * httpSmsOptionsSchema.safeParse(options).success; // false for missing or malformed options
 * ```
 */
export const httpSmsOptionsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  from: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  responseId: z
    .string()
    .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a dotted path such as data.messageId')
    .optional(),
  webhookSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  toleranceSeconds: z.number().positive().optional(),
  stripDiacritics: z.boolean().optional(),
  id: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
  clock: clockOptionSchema.optional(),
});
