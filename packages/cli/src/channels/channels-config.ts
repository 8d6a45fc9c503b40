import { CHANNEL_KINDS, pressurePolicyInputSchema, subscriptionTopicsSchema } from '@cx/channels';
import { z } from 'zod';
import { type SecretSources, secretSchema } from './secret-ref';

/** Every adapter `type` a channels config may name, one per adapter factory of `@cx/channels`. */
export const ADAPTER_TYPES = [
  'smtp',
  'twilio',
  'http-sms',
  'zns',
  'web-push',
  'fcm',
  'apns',
  'webhook',
  'in-app',
] as const;

/** An adapter `type` of a channels config. */
export type AdapterType = (typeof ADAPTER_TYPES)[number];

const positiveInt = z.number().int().positive();
const optionalId = z.string().min(1).optional();

/**
 * The adapters' shapes. Each is strict, so a misspelt option is reported at its path; what the
 * values must look like (a URL, a key that parses) is checked by the adapter's own factory.
 */
function adapterSchemas(secret: ReturnType<typeof secretSchema>) {
  const secretHeaders = z.record(z.string().min(1), secret).optional();
  return [
    z.strictObject({
      type: z.literal('smtp'),
      id: optionalId,
      from: z.string().min(1),
      replyTo: z.string().min(1).optional(),
      messageIdDomain: z.string().min(1).optional(),
      smtp: z.strictObject({
        host: z.string().min(1),
        port: positiveInt.optional(),
        secure: z.boolean().optional(),
        requireTLS: z.boolean().optional(),
        auth: z.strictObject({ user: secret, pass: secret }).optional(),
        pool: z.boolean().optional(),
        maxConnections: positiveInt.optional(),
        maxMessages: positiveInt.optional(),
        rateLimit: positiveInt.optional(),
        rateDelta: positiveInt.optional(),
        connectionTimeout: positiveInt.optional(),
        greetingTimeout: positiveInt.optional(),
        socketTimeout: positiveInt.optional(),
      }),
      /** Open and click tracking through the signed links of `links` (which it needs). */
      tracking: z
        .union([
          z.boolean(),
          z.strictObject({ opens: z.boolean().optional(), clicks: z.boolean().optional() }),
        ])
        .optional(),
    }),
    z.strictObject({
      type: z.literal('twilio'),
      id: optionalId,
      accountSid: secret,
      authToken: secret,
      from: z.string().min(1).optional(),
      messagingServiceSid: z.string().min(1).optional(),
      statusCallback: z.string().min(1).optional(),
      baseUrl: z.string().min(1).optional(),
      stripDiacritics: z.boolean().optional(),
      timeoutMs: positiveInt.optional(),
    }),
    z.strictObject({
      type: z.literal('http-sms'),
      id: optionalId,
      url: z.string().min(1),
      from: z.string().min(1).optional(),
      token: secret.optional(),
      headers: secretHeaders,
      responseId: z.string().min(1).optional(),
      webhookSecret: secret.optional(),
      toleranceSeconds: z.number().positive().optional(),
      stripDiacritics: z.boolean().optional(),
      timeoutMs: positiveInt.optional(),
    }),
    z.strictObject({
      type: z.literal('zns'),
      id: optionalId,
      accessToken: secret,
      appId: z.string().min(1).optional(),
      oaSecretKey: secret.optional(),
      baseUrl: z.string().min(1).optional(),
      mode: z.literal('development').optional(),
      timeoutMs: positiveInt.optional(),
    }),
    z.strictObject({
      type: z.literal('web-push'),
      id: optionalId,
      vapid: z.strictObject({ subject: z.string().min(1), publicKey: z.string().min(1), privateKey: secret }),
      ttl: z.number().int().min(0).optional(),
      allowInsecureEndpoints: z.boolean().optional(),
      timeoutMs: positiveInt.optional(),
    }),
    z.strictObject({
      type: z.literal('fcm'),
      id: optionalId,
      /** The service account key file's JSON text: usually `{ "file": "service-account.json" }`. */
      serviceAccount: secret,
      baseUrl: z.string().min(1).optional(),
      timeoutMs: positiveInt.optional(),
    }),
    z.strictObject({
      type: z.literal('apns'),
      id: optionalId,
      teamId: z.string().min(1),
      keyId: z.string().min(1),
      /** The `.p8` key's PEM: usually `{ "file": "AuthKey_ABC.p8" }`. */
      signingKey: secret,
      topic: z.string().min(1),
      origin: z.string().min(1).optional(),
      timeoutMs: positiveInt.optional(),
    }),
    z.strictObject({
      type: z.literal('webhook'),
      id: optionalId,
      secret: z.union([secret, z.array(secret).min(1)]),
      url: z.string().min(1).optional(),
      allowedHosts: z.array(z.string().min(1)).optional(),
      headers: secretHeaders,
      format: z.enum(['cx', 'slack']).optional(),
      timeoutMs: positiveInt.optional(),
      toleranceSeconds: positiveInt.optional(),
    }),
    z.strictObject({ type: z.literal('in-app'), id: optionalId }),
  ] as const;
}

/** Only the `type`, so a wrong one is reported once, by name, instead of as nine mismatches. */
const adapterTypeSchema = z.looseObject({
  type: z.enum(ADAPTER_TYPES, {
    error: (issue) =>
      issue.input === undefined
        ? `an adapter needs a type: ${ADAPTER_TYPES.join(', ')}`
        : `unknown adapter type ${JSON.stringify(issue.input)}: use ${ADAPTER_TYPES.join(', ')}`,
  }),
});

/**
 * The zod schema of a channels config file (`cx.channels.json`), which resolves its secrets while
 * parsing: `{ "env": "NAME" }` from `sources.env`, `{ "file": "path" }` relative to
 * `sources.baseDir`. Everything but `adapters` mirrors `createChannels`' options.
 *
 * @example
 * ```ts
 * const result = channelsConfigSchema({ env: process.env, baseDir: '.' }).safeParse({
 *   adapters: [{ type: 'http-sms', url: 'https://sms.example.vn/v1/messages', token: { env: 'SMS_TOKEN' } }],
 * });
 * ```
 */
export function channelsConfigSchema(sources: SecretSources) {
  const secret = secretSchema(sources);
  const adapter = z.discriminatedUnion('type', adapterSchemas(secret));
  return z.strictObject({
    /** Lets editors find a JSON Schema; ignored. */
    $schema: z.string().optional(),
    adapters: z
      .array(
        // Check the type first, then the adapter's own shape.
        adapterTypeSchema.pipe(adapter),
      )
      .min(1, 'list at least one adapter'),
    providers: z.partialRecord(z.enum(CHANNEL_KINDS), z.array(z.string().min(1)).min(1)).optional(),
    links: z
      .strictObject({
        baseUrl: z.url({ protocol: /^https?$/ }),
        secret: z.union([secret, z.array(secret).min(1)]),
        unsubscribeMailto: z.email().optional(),
      })
      .optional(),
    topics: subscriptionTopicsSchema.optional(),
    pressure: pressurePolicyInputSchema.optional(),
    defaults: z
      .strictObject({
        locale: z.string().min(2).optional(),
        currency: z.string().length(3).optional(),
        timezone: z.string().min(1).optional(),
      })
      .optional(),
    retry: z
      .strictObject({
        attemptsPerProvider: positiveInt.optional(),
        baseDelayMs: positiveInt.optional(),
        maxDelayMs: positiveInt.optional(),
      })
      .optional(),
    recipientTraits: z
      .strictObject({
        email: z.string().min(1).optional(),
        phone: z.string().min(1).optional(),
        timezone: z.string().min(1).optional(),
        locale: z.string().min(1).optional(),
        url: z.string().min(1).optional(),
      })
      .optional(),
    sendTimeoutMs: positiveInt.optional(),
    allowInsecurePushEndpoints: z.boolean().optional(),
  });
}

/** A channels config once parsed, its secrets resolved to their text. */
export type ChannelsConfig = z.output<ReturnType<typeof channelsConfigSchema>>;
/** One adapter entry of a {@link ChannelsConfig}. */
export type AdapterConfig = ChannelsConfig['adapters'][number];
/** The adapter entry of one `type`. */
export type AdapterConfigOf<T extends AdapterType> = Extract<AdapterConfig, { type: T }>;
