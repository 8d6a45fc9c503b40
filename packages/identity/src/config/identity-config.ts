import { ConfigError, MAX_EVENT_BYTES, validationErrorFromZod } from '@cx/core';
import { isSupportedCountry } from 'libphonenumber-js/min';
import { z } from 'zod';
import { DEFAULT_BLOCKED_VALUES } from './blocked-values';

const typeNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'Identifier type must be lower_snake_case, 1-64 characters');

/** Where an identifier type is read from in an event, and how its value is normalised. */
const identifierTypeSchema = z.object({
  type: typeNameSchema,
  /**
   * `userId` / `anonymousId`: the call's own fields; `trait`: `traits[key]` of identify calls and
   * `context.traits[key]` of every call; `externalId`: `context.externalIds[].id` whose `type` is `key`.
   */
  source: z.enum(['userId', 'anonymousId', 'trait', 'externalId']),
  /** Trait name or external id type; defaults to the identifier type. */
  key: z.string().min(1).max(256).optional(),
  /** `email`: trim + lower-case; `phone`: E.164; `lowercase`: trim + lower-case; `trim`: as sent. */
  normalize: z.enum(['trim', 'lowercase', 'email', 'phone']).default('trim'),
});

const strategySchema = z.union([
  z.enum(['latest', 'oldest', 'non-empty', 'sum', 'union']),
  z.object({ strategy: z.literal('source-priority'), sources: z.array(z.string().min(1)).min(1) }),
]);

const limitSchema = z.object({
  /** How many identifiers of the type one profile may hold. */
  max: z.number().int().positive(),
  /** Count only identifiers the profile gained within this many milliseconds. */
  windowMs: z.number().int().positive().optional(),
});

const DEFAULT_TYPES = [
  { type: 'user_id', source: 'userId', normalize: 'trim' },
  { type: 'anonymous_id', source: 'anonymousId', normalize: 'trim' },
  { type: 'email', source: 'trait', key: 'email', normalize: 'email' },
  { type: 'phone', source: 'trait', key: 'phone', normalize: 'phone' },
] as const;

/** Schema of {@link IdentityConfigInput}; every field has a default. */
export const identityConfigSchema = z
  .object({
    /** The identifier types resolved into profiles. */
    identifierTypes: z
      .array(identifierTypeSchema)
      .min(1)
      .max(64)
      .default([...DEFAULT_TYPES]),
    /** Identifier types from most to least trusted; unlisted types rank last. Demotion drops the last. */
    priority: z.array(typeNameSchema).default(['user_id', 'email', 'phone', 'anonymous_id']),
    /** At most this many identifiers of a type per profile (default: one `user_id`). */
    limits: z.record(typeNameSchema, limitSchema).default({ user_id: { max: 1 } }),
    /** Values that never identify anyone (compared trimmed and case-insensitively). */
    blockedValues: z.array(z.string()).default([...DEFAULT_BLOCKED_VALUES]),
    /** Added to `blockedValues`, so the defaults need not be repeated. */
    extraBlockedValues: z.array(z.string()).default([]),
    /** How many distinct profiles one identifier may join by merging before it is quarantined. */
    maxProfilesPerIdentifier: z.number().int().min(2).default(5),
    /** ISO 3166 region for phone numbers written without a country code, such as `VN`. */
    phoneRegion: z.string().length(2).toUpperCase().optional(),
    /** The recent-`messageId` window that short-circuits duplicates before any I/O. */
    dedupe: z
      .object({
        windowMs: z
          .number()
          .int()
          .nonnegative()
          .default(24 * 60 * 60 * 1000),
        maxEntries: z.number().int().nonnegative().default(100_000),
      })
      .default({ windowMs: 24 * 60 * 60 * 1000, maxEntries: 100_000 }),
    traits: z
      .object({
        defaultStrategy: strategySchema.default('latest'),
        strategies: z.record(z.string(), strategySchema).default({}),
        /** Trait history entries kept per trait. */
        historyLimit: z.number().int().nonnegative().default(10),
      })
      .default({ defaultStrategy: 'latest', strategies: {}, historyLimit: 10 }),
    /** Events shown in the 360° view. */
    recentEvents: z.number().int().nonnegative().max(1000).default(20),
    /** The `track` event whose `revenue` (or `total`) counts as revenue. */
    revenueEvent: z.string().min(1).default('Order Completed'),
    /** The size limit of one event's JSON. */
    maxEventBytes: z.number().int().positive().default(MAX_EVENT_BYTES),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.identifierTypes.forEach((t, index) => {
      if (names.has(t.type)) {
        ctx.addIssue({ code: 'custom', path: ['identifierTypes', index, 'type'], message: 'Duplicate type' });
      }
      names.add(t.type);
    });
    for (const name of [...config.priority, ...Object.keys(config.limits)]) {
      if (!names.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['priority'], message: `Unknown identifier type ${name}` });
      }
    }
    if (config.phoneRegion !== undefined && !isSupportedCountry(config.phoneRegion)) {
      ctx.addIssue({ code: 'custom', path: ['phoneRegion'], message: 'Unsupported region' });
    }
  });

/** Identity configuration as written by the caller. */
export type IdentityConfigInput = z.input<typeof identityConfigSchema>;
/** A trait conflict strategy. */
export type TraitStrategy = z.output<typeof strategySchema>;
/** One configured identifier type. */
export type IdentifierTypeConfig = z.output<typeof identifierTypeSchema>;

/** The validated configuration with lookups the hot path needs precomputed. */
export interface IdentityConfig extends z.output<typeof identityConfigSchema> {
  /** Type → rank (0 is most trusted). */
  readonly rank: ReadonlyMap<string, number>;
  /** Lower-cased blocked values. */
  readonly blocked: ReadonlySet<string>;
  /** Types by name. */
  readonly types: ReadonlyMap<string, IdentifierTypeConfig>;
}

/**
 * Validates identity configuration and fills in defaults.
 *
 * @throws `ConfigError` naming each bad field.
 */
export function resolveConfig(input: unknown = {}): IdentityConfig {
  const parsed = identityConfigSchema.safeParse(input);
  if (!parsed.success) {
    const error = validationErrorFromZod(parsed.error, 'identity config');
    throw new ConfigError(error.message, { cause: error });
  }
  const config = parsed.data;
  const rank = new Map<string, number>();
  for (const [index, type] of config.priority.entries()) rank.set(type, index);
  for (const t of config.identifierTypes) if (!rank.has(t.type)) rank.set(t.type, rank.size);
  const blocked = new Set(
    [...config.blockedValues, ...config.extraBlockedValues].map((v) => v.trim().toLowerCase()),
  );
  const types = new Map(config.identifierTypes.map((t) => [t.type, t]));
  return { ...config, rank, blocked, types };
}
