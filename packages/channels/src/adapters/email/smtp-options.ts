import { ConfigError, validationErrorFromZod } from '@cx/core';
import type { Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';
import type { TrackingLinks } from '../../links/tracking-links';

/**
 * How to reach an SMTP server when `smtpEmail` creates (and later closes) the transport itself.
 * For anything else nodemailer offers (DKIM, OAuth2, proxies, custom TLS), create the transporter
 * yourself and pass it as `transport`.
 *
 * @example
 * ```ts
 * const smtp: SmtpConnectionOptions = {
 *   host: 'smtp.example.com', port: 587, requireTLS: true, auth: { user: 'news', pass: 'secret' },
 *   maxConnections: 3, rateLimit: 14, rateDelta: 1000, // 14 messages a second
 * };
 * ```
 */
export interface SmtpConnectionOptions {
  host: string;
  /** Default 587, or 465 when `secure`. */
  port?: number;
  /** TLS from the first byte (port 465). Without it, STARTTLS is used when the server offers it. */
  secure?: boolean;
  /** Refuse to send when the server does not offer STARTTLS (set this in production on port 587). */
  requireTLS?: boolean;
  auth?: { user: string; pass: string };
  /** Keep connections open and reuse them; default `true`. The options below need it. */
  pool?: boolean;
  /** Connections open at the same time; nodemailer's default is 5. */
  maxConnections?: number;
  /** Messages sent over one connection before it is replaced; nodemailer's default is 100. */
  maxMessages?: number;
  /** At most `rateLimit` messages per `rateDelta` ms (default 1000 ms): the provider's sending rate. */
  rateLimit?: number;
  /** The window of `rateLimit`, in ms. */
  rateDelta?: number;
  /** Ms to wait for the TCP connection; nodemailer's default is 2 minutes. */
  connectionTimeout?: number;
  /** Ms to wait for the server's greeting; nodemailer's default is 30 s. */
  greetingTimeout?: number;
  /** Ms of silence after which a connection is dropped; nodemailer's default is 10 minutes. */
  socketTimeout?: number;
}

/**
 * Open and click tracking of the HTML part.
 *
 * @example
 * ```ts
 * const tracking: EmailTrackingOptions = {
 *   links: trackingLinks('https://cx.shop.vn', createLinkSigner({ secret: process.env.CX_LINK_SECRET! })),
 *   opens: false, // Apple Mail Privacy Protection makes opens meaningless for many lists
 * };
 * ```
 */
export interface EmailTrackingOptions {
  /** Builds the open-pixel and click-redirect URLs, usually `trackingLinks(baseUrl, signer)`. */
  links: TrackingLinks;
  /** Append a 1×1 open pixel; default `true`. */
  opens?: boolean;
  /** Send http(s) links through the click redirect; default `true`. */
  clicks?: boolean;
}

/**
 * What every {@link SmtpEmailOptions} has, whichever way the transport comes.
 *
 * @example
 * ```ts
 * const base: SmtpEmailBaseOptions = { from: 'Shop Lan <news@shop.vn>', replyTo: 'help@shop.vn', messageIdDomain: 'mail.shop.vn' };
 * ```
 */
export interface SmtpEmailBaseOptions {
  /** The sender, with or without a display name: `"Shop Lan <news@shop.vn>"`. */
  from: string;
  /** Where replies go, when not to `from`. */
  replyTo?: string;
  /** The adapter's id among the adapters of a setup; default `smtp`. */
  id?: string;
  /**
   * Gives every message the deterministic `Message-ID: <message.id@messageIdDomain>`, so a
   * message sent twice (a retry after a lost reply) carries the same id and receivers can drop the
   * copy. Without it, nodemailer makes a random one per send.
   */
  messageIdDomain?: string;
  /** Open and click tracking; none when absent. */
  tracking?: EmailTrackingOptions;
}

/**
 * Options of {@link smtpEmail}: `transport`, a nodemailer transporter the application already has
 * (the adapter never closes it), or `smtp`, a server to connect to (pooled, closed by `close()`).
 *
 * @example
 * ```ts
 * const own: SmtpEmailOptions = { from: 'news@shop.vn', transport: nodemailer.createTransport({ host: 'smtp.example.com', dkim }) };
 * const ours: SmtpEmailOptions = { from: 'news@shop.vn', smtp: { host: 'smtp.example.com', maxConnections: 3 } };
 * ```
 */
export type SmtpEmailOptions = SmtpEmailBaseOptions &
  ({ transport: Transporter; smtp?: never } | { smtp: SmtpConnectionOptions; transport?: never });

/**
 * The options once checked, with defaults applied (`id: 'smtp'`, `smtp.pool: true`, tracking of
 * opens and clicks on).
 *
 * @example
 * ```ts
 * const parsed: ParsedSmtpEmailOptions = parseSmtpEmailOptions({ from: 'news@shop.vn', smtp: { host: 'smtp.example.com' } });
 * parsed.id; // 'smtp'
 * ```
 */
export interface ParsedSmtpEmailOptions {
  id: string;
  from: string;
  replyTo?: string;
  messageIdDomain?: string;
  transport?: Transporter;
  smtp?: SmtpConnectionOptions & { pool: boolean };
  tracking?: { links: TrackingLinks; opens: boolean; clicks: boolean };
}

const isEmail = (address: string) => z.email().safeParse(address).success;

/** True for exactly one mailbox, display name allowed (nodemailer's own parser decides the syntax). */
const isSingleAddress = (value: string) => {
  const parsed = addressparser(value, { flatten: true });
  return parsed.length === 1 && isEmail(parsed[0]?.address ?? '');
};

const address = z
  .string()
  .refine(isSingleAddress, 'must be one email address, such as "Shop <shop@example.com>"');

const positiveInt = z.number().int().positive();

const smtpSchema = z
  .strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).optional(),
    secure: z.boolean().optional(),
    requireTLS: z.boolean().optional(),
    auth: z.strictObject({ user: z.string().min(1), pass: z.string() }).optional(),
    pool: z.boolean().default(true),
    maxConnections: positiveInt.optional(),
    maxMessages: positiveInt.or(z.literal(Number.POSITIVE_INFINITY)).optional(),
    rateLimit: positiveInt.optional(),
    rateDelta: positiveInt.optional(),
    connectionTimeout: positiveInt.optional(),
    greetingTimeout: positiveInt.optional(),
    socketTimeout: positiveInt.optional(),
  })
  // nodemailer ignores these without a pool; a rate limit that silently does nothing gets an account suspended.
  .refine(
    (smtp) =>
      smtp.pool ||
      [smtp.maxConnections, smtp.maxMessages, smtp.rateLimit, smtp.rateDelta].every((v) => v === undefined),
    { message: 'maxConnections, maxMessages, rateLimit and rateDelta need pool: true', path: ['pool'] },
  );

const trackingLinksSchema = z.custom<TrackingLinks>(
  (value) =>
    typeof (value as TrackingLinks | null)?.openPixel === 'function' &&
    typeof (value as TrackingLinks).click === 'function',
  'Expected TrackingLinks, such as trackingLinks(baseUrl, signer)',
);

const optionsSchema = z
  .strictObject({
    from: address,
    replyTo: address.optional(),
    id: z.string().min(1).default('smtp'),
    messageIdDomain: z
      .string()
      .regex(
        /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i,
        'must be a domain name, such as mail.example.com',
      )
      .optional(),
    transport: z
      .custom<Transporter>(
        (value) => typeof (value as Transporter | null)?.sendMail === 'function',
        'Expected a nodemailer Transporter (nodemailer.createTransport(...))',
      )
      .optional(),
    smtp: smtpSchema.optional(),
    tracking: z
      .strictObject({
        links: trackingLinksSchema,
        opens: z.boolean().default(true),
        clicks: z.boolean().default(true),
      })
      .optional(),
  })
  .refine((options) => (options.transport === undefined) !== (options.smtp === undefined), {
    message: 'Give either transport or smtp, exactly one of them',
    path: ['smtp'],
  });

/**
 * Checks {@link SmtpEmailOptions}; a mistake is a `ConfigError` naming the option, thrown when the
 * application starts rather than at its first send.
 *
 * @example
 * ```ts
 * const options = parseSmtpEmailOptions({ from: 'Shop <shop@example.com>', smtp: { host: 'smtp.example.com' } });
 * options.smtp?.pool; // true
 * ```
 */
export function parseSmtpEmailOptions(options: unknown): ParsedSmtpEmailOptions {
  const result = optionsSchema.safeParse(options ?? {});
  if (result.success) return result.data as ParsedSmtpEmailOptions;
  const invalid = validationErrorFromZod(result.error, 'smtpEmail options');
  throw new ConfigError(invalid.message, { cause: invalid });
}
