import { type Clock, ConfigError, parseOrThrow, systemClock, workspaceIdSchema } from '@cx/core';
import { z } from 'zod';
import type { CollectorIdentity } from './identity-port';

/** Segment's limit on one call: 32 KB. */
export const DEFAULT_MAX_EVENT_BYTES = 32 * 1024;
/** Segment's limit on one batch request: 500 KB. */
export const DEFAULT_MAX_BATCH_BYTES = 500 * 1024;

/** One workspace the server collects for, and the keys that open it. */
export interface WorkspaceKeys {
  /** The key sources send (Segment's write key). */
  writeKey: string;
  workspaceId: string;
  /**
   * The key the Profile API requires. When omitted, the Profile API accepts the write key;
   * when set, only this key reads or deletes profiles, and it cannot send events.
   */
  readKey?: string;
}

/** Size limits of the HTTP edge. */
export interface CollectorLimits {
  /** Largest single call, and largest item of a batch, in bytes; default 32 KB. */
  maxEventBytes?: number;
  /** Largest batch request body, in bytes; default 500 KB. */
  maxBatchBytes?: number;
}

/** A token bucket per key: `requestsPerSecond` refill, up to `burst` requests at once. */
export interface RateLimitOptions {
  requestsPerSecond: number;
  /** Bucket size; defaults to `requestsPerSecond` (at least 1). */
  burst?: number;
}

/** Options of {@link createCollector} and every adapter built on it. */
export interface CollectorOptions {
  /** The identity service (`createIdentity()` from `@cx/identity`). */
  identity: CollectorIdentity;
  /** Write keys (and optional read keys) mapped to workspaces. */
  workspaces: readonly WorkspaceKeys[];
  limits?: CollectorLimits;
  /** Requests per key above this rate get `429` with `Retry-After`; unlimited when omitted. */
  rateLimit?: RateLimitOptions;
  /** Where time comes from (rate limiting, `receivedAt`); defaults to the system clock. */
  clock?: Clock;
  /**
   * A path prefix to strip before routing, for hosts that pass the full URL (`/cx` when
   * mounted at `/cx/v1/track`). Express and Fastify strip their mount prefix themselves.
   */
  basePath?: string;
  /** Called with unexpected errors (those answered with `500 INTERNAL`), for logging. */
  onError?: (error: unknown) => void;
}

const keySchema = z.string().min(1, 'Keys must not be empty').max(512);

const optionsSchema = z.object({
  identity: z.custom<CollectorIdentity>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      ['ingest', 'getProfile', 'listProfileEvents', 'deletePerson'].every(
        (name) => typeof (value as Record<string, unknown>)[name] === 'function',
      ),
    'Expected an identity service with ingest, getProfile, listProfileEvents and deletePerson',
  ),
  workspaces: z
    .array(z.object({ writeKey: keySchema, workspaceId: workspaceIdSchema, readKey: keySchema.optional() }))
    .min(1, 'At least one workspace is required'),
  limits: z
    .object({
      maxEventBytes: z.number().int().positive().optional(),
      maxBatchBytes: z.number().int().positive().optional(),
    })
    .optional(),
  rateLimit: z
    .object({ requestsPerSecond: z.number().positive(), burst: z.number().int().positive().optional() })
    .optional(),
  clock: z.custom<Clock>(
    (value) => typeof value === 'object' && value !== null && typeof (value as Clock).now === 'function',
    'Expected a clock with now()',
  ),
  basePath: z
    .string()
    .regex(/^(\/[^/?#]+)*$/, 'basePath must look like /cx (no trailing slash)')
    .optional(),
  onError: z.custom<(error: unknown) => void>((value) => typeof value === 'function').optional(),
});

/** Options after validation and defaults. */
export interface ResolvedOptions {
  identity: CollectorIdentity;
  /** Write key → workspace id. */
  writeKeys: ReadonlyMap<string, string>;
  /** Key accepted by the Profile API → workspace id. */
  readKeys: ReadonlyMap<string, string>;
  maxEventBytes: number;
  maxBatchBytes: number;
  rateLimit: { requestsPerSecond: number; burst: number } | undefined;
  clock: Clock;
  basePath: string;
  onError: (error: unknown) => void;
}

/**
 * Validates collector options. Bad shapes throw a `ConfigError` whose cause is the
 * `ValidationError` naming each field; a key used twice throws a `ConfigError` too.
 */
export function resolveOptions(input: CollectorOptions): ResolvedOptions {
  let parsed: z.output<typeof optionsSchema>;
  try {
    parsed = parseOrThrow(
      optionsSchema,
      { ...input, clock: input.clock ?? systemClock },
      'collector options',
    );
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const writeKeys = new Map<string, string>();
  const readKeys = new Map<string, string>();
  const seen = new Set<string>();
  const claim = (key: string) => {
    if (seen.has(key))
      throw new ConfigError('collector options: every write key and read key must be unique');
    seen.add(key);
  };
  for (const workspace of parsed.workspaces) {
    claim(workspace.writeKey);
    writeKeys.set(workspace.writeKey, workspace.workspaceId);
    if (workspace.readKey !== undefined) {
      claim(workspace.readKey);
      readKeys.set(workspace.readKey, workspace.workspaceId);
    } else {
      readKeys.set(workspace.writeKey, workspace.workspaceId);
    }
  }
  const rate = parsed.rateLimit;
  return {
    identity: parsed.identity,
    writeKeys,
    readKeys,
    maxEventBytes: parsed.limits?.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    maxBatchBytes: parsed.limits?.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    rateLimit:
      rate === undefined
        ? undefined
        : {
            requestsPerSecond: rate.requestsPerSecond,
            burst: rate.burst ?? Math.max(1, Math.floor(rate.requestsPerSecond)),
          },
    clock: parsed.clock,
    basePath: parsed.basePath ?? '',
    onError: parsed.onError ?? (() => {}),
  };
}
