import { type Clock, ConfigError, formatPath } from '@cx/core';
import { z } from 'zod';
import type { WebhookSecret } from './webhook-signature';

/**
 * The body a webhook carries. `cx`: the message as JSON (`{ id, profileId, channel, category, topic,
 * content, metadata, sentAt }`). `slack`: `{ text }`, what Slack's and Google Chat's incoming
 * webhooks take.
 */
export type WebhookFormat = 'cx' | 'slack';

/** Options of {@link webhookChannel}. */
export interface WebhookChannelOptions {
  /** Unique among the adapters of a setup; default `webhook`. */
  id?: string;
  /**
   * The signing secret, at least 32 characters. Several while rotating: every one signs (one `v1`
   * each) and every one verifies inbound delivery webhooks.
   */
  secret: WebhookSecret;
  /** The endpoint messages go to when the message's `to.url` does not name one. */
  url?: string;
  /**
   * Host names a message's own `to.url` may point at (`hooks.slack.com`, `*.example.com`). A
   * `to.url` usually comes from a profile trait, and traits can be set from the browser: without
   * this list anyone who can set the trait can make cx post to any address it can reach (SSRF).
   * A `to.url` elsewhere is a `RecipientUnreachableError` (`invalid-address`). Default: any host.
   */
  allowedHosts?: readonly string[];
  /** Extra headers on every request (an API key the endpoint wants). cx's own headers win. */
  headers?: Record<string, string>;
  /** The body format; default `cx`. */
  format?: WebhookFormat;
  /** Gives up on a request after this many ms (a retryable failure); default 10 000. */
  timeoutMs?: number;
  /** How far an inbound delivery webhook's signed time may be from now, in seconds; default 300. */
  toleranceSeconds?: number;
  /** Where the signing time comes from; defaults to the system clock. */
  clock?: Clock;
}

/** Headers cx sets itself: a custom header of the same name would break the signature or the dedupe. */
const RESERVED_HEADERS = ['x-cx-signature', 'x-cx-message-id', 'idempotency-key', 'content-type'];

const secretSchema = z.union([
  z.string().min(32, 'must be at least 32 characters'),
  z.array(z.string().min(32, 'must be at least 32 characters')).min(1, 'needs at least one secret'),
]);

const optionsSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be 1-64 lower-case letters, digits, ".", "-" or "_"')
    .default('webhook'),
  secret: secretSchema,
  url: z.url({ protocol: /^https?$/ }).optional(),
  allowedHosts: z
    .array(
      z
        .string()
        .regex(/^(\*\.)?[a-z0-9.-]+$/i, 'must be a host name, optionally starting with "*."')
        .transform((host) => host.toLowerCase()),
    )
    .min(1, 'leave it out to allow any host')
    .optional(),
  headers: z
    .record(
      z.string().refine((name) => !RESERVED_HEADERS.includes(name.toLowerCase()), 'is set by cx itself'),
      z.string(),
    )
    .default({}),
  format: z.enum(['cx', 'slack']).default('cx'),
  timeoutMs: z.number().int().min(1).max(300_000).default(10_000),
  toleranceSeconds: z.number().int().min(1).max(86_400).default(300),
  clock: z
    .custom<Clock>((value) => typeof (value as Clock | null)?.now === 'function', 'must have a now() method')
    .optional(),
});

/** {@link WebhookChannelOptions} once checked, with defaults filled in. */
export type ParsedWebhookOptions = z.output<typeof optionsSchema>;

/** Checks {@link WebhookChannelOptions}; a mistake is a `ConfigError` naming the option. */
export function parseWebhookOptions(options: unknown): ParsedWebhookOptions {
  const result = optionsSchema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new ConfigError(`webhookChannel options: ${problems.join('; ')}`, { cause: result.error });
}
