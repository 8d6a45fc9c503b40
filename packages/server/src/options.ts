import type { Channels } from '@cx/channels';
import type { Inbox } from '@cx/channels/in-app';
import {
  type Clock,
  ConfigError,
  parseOrThrow,
  systemClock,
  type WorkQueue,
  workspaceIdSchema,
} from '@cx/core';
import type { SegmentEngine } from '@cx/segments';
import { z } from 'zod';
import {
  configuredDigest,
  createKeyRing,
  type KeyEntry,
  type KeyInput,
  type KeyRing,
  type KeyScope,
} from './auth/key-ring';
import { type ChannelsResolver, keptChannels } from './channels/channels-service';
import type { CollectorIdentity } from './identity-port';

/** Segment's limit on one call: 32 KB. */
export const DEFAULT_MAX_EVENT_BYTES = 32 * 1024;
/** Segment's limit on one batch request: 500 KB. */
export const DEFAULT_MAX_BATCH_BYTES = 500 * 1024;

/** One key, or several live at once (while a key is rotated). */
export type KeysInput = KeyInput | readonly KeyInput[];

/**
 * One workspace the server serves, and the keys that open it, by scope. Each key is the plain
 * secret or `{ sha256: '<64 hex>' }`, its digest. A key opens only what its scope allows:
 *
 * | scope | opens |
 * | --- | --- |
 * | `writeKey` | collection (`POST /v1/track`, `/v1/batch` …): public by design, like Segment's |
 * | `readKey` | Profile API reads (`GET /v1/profiles/…`) |
 * | `adminKey` | Profile API reads and deletes, and the management endpoints |
 *
 * Without a read or admin key the Profile API is closed (`401`): the write key never reads or
 * deletes profiles.
 */
export interface WorkspaceKeys {
  workspaceId: string;
  /** The key(s) sources send (Segment's write key). */
  writeKey?: KeysInput;
  /** The key(s) that read the Profile API. */
  readKey?: KeysInput;
  /** The key(s) that read and delete profiles and manage the workspace. */
  adminKey?: KeysInput;
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

/**
 * The segment endpoints (`/v1/segments…`, `GET /v1/profiles/<ref>/segments`, and memberships in
 * the 360° view). Segments live per workspace, so the server asks for each workspace's engine.
 *
 * @example
 * ```ts
 * const acme = createSegmentEngine({ storage, workspaceId: 'acme' });
 * acme.start();
 * const handler = createCollectionHandler({
 *   identity,
 *   workspaces: [{ workspaceId: 'acme', readKey: 'rk_live_456', adminKey: 'ak_live_789' }],
 *   segments: { engine: (workspaceId) => (workspaceId === 'acme' ? acme : undefined) },
 * });
 * ```
 */
export interface SegmentsOptions {
  /**
   * The segment engine of a workspace (`createSegmentEngine({ storage, workspaceId })` from
   * `@cx/segments`), or `undefined` where segments are off (those routes then answer `404`).
   * Called once per workspace, on its first segments request; the engine it returns is kept.
   * The server reads and saves definitions through it but never starts it: run `engine.start()`
   * yourself so saved segments go live and memberships follow new events.
   */
  engine: (workspaceId: string) => SegmentEngine | undefined;
}

/**
 * The messaging endpoints of `@cx/channels`: unsubscribe and preference pages, open and click
 * tracking, provider webhooks, the in-app inbox and push registration for browsers and apps
 * (`/v1/me/…`), and message, preview, outbox and contact-summary routes for keys. Each workspace
 * has its own service, so the server asks for each workspace's.
 *
 * @example
 * ```ts
 * import { createChannels } from '@cx/channels';
 * import { createInbox, inAppChannel } from '@cx/channels/in-app';
 *
 * const inbox = createInbox({ storage, workspaceId: 'acme' });
 * const acme = createChannels({
 *   storage,
 *   workspaceId: 'acme',
 *   adapters: [inAppChannel({ inbox })],
 *   links: { baseUrl: 'https://cx.example.com', secret: process.env.CX_LINK_SECRET! },
 * });
 * acme.dispatcher().start();
 * const handler = createCollectionHandler({
 *   identity,
 *   workspaces: [{ workspaceId: 'acme', readKey: 'rk_live_456', adminKey: 'ak_live_789' }],
 *   channels: {
 *     service: (workspaceId) => (workspaceId === 'acme' ? acme : undefined),
 *     inbox: (workspaceId) => (workspaceId === 'acme' ? inbox : undefined),
 *   },
 * });
 * ```
 */
export interface ServerChannelsOptions {
  /**
   * The channels service of a workspace (`createChannels({ storage, workspaceId, … })` from
   * `@cx/channels`), or `undefined` where messaging is off (its routes then answer `404`). Called
   * once per served workspace, on its first channels request; the service it returns is kept. Give
   * it `links` (a base URL and a secret) for the token routes. The server never starts its
   * dispatcher: run `service.dispatcher().start()` yourself.
   */
  service: (workspaceId: string) => Channels | undefined;
  /** The in-app inbox of a workspace (`createInbox` from `@cx/channels/in-app`), for `/v1/me/inbox…`. */
  inbox?: (workspaceId: string) => Inbox | undefined;
}

/** Options of {@link createCollector} and every adapter built on it. */
export interface CollectorOptions {
  /** The identity service (`createIdentity()` from `@cx/identity`). */
  identity: CollectorIdentity;
  /** The workspaces served, each with its write, read and admin keys. */
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
  /**
   * The work queue (`storage.work`) whose operator API to serve under `/v1/work` to admin keys:
   * counts per queue, dead letters, cancel, retry. Without it those routes answer `404`.
   */
  work?: WorkQueue;
  /** Serves the segment endpoints; without it they answer `404`. */
  segments?: SegmentsOptions;
  /** Serves the messaging endpoints; without it they answer `404` and `@cx/channels` is never loaded. */
  channels?: ServerChannelsOptions;
}

const SCOPES: readonly KeyScope[] = ['write', 'read', 'admin'];
const SCOPE_FIELDS = { write: 'writeKey', read: 'readKey', admin: 'adminKey' } as const;

const keySchema = z.union([
  z.string().min(1, 'Keys must not be empty').max(512),
  z.object({
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hexadecimal characters'),
  }),
]);
const keysSchema = z.union([keySchema, z.array(keySchema).min(1, 'Give at least one key')]);
const workspaceSchema = z
  .object({
    workspaceId: workspaceIdSchema,
    writeKey: keysSchema.optional(),
    readKey: keysSchema.optional(),
    adminKey: keysSchema.optional(),
  })
  .refine(
    (workspace) => SCOPES.some((scope) => workspace[SCOPE_FIELDS[scope]] !== undefined),
    'A workspace needs at least one writeKey, readKey or adminKey',
  );

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
  workspaces: z.array(workspaceSchema).min(1, 'At least one workspace is required'),
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
  work: z
    .custom<WorkQueue>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        ['stats', 'deadLetters', 'get', 'cancel', 'schedule'].every(
          (name) => typeof (value as Record<string, unknown>)[name] === 'function',
        ),
      'Expected a work queue (storage.work)',
    )
    .optional(),
  segments: z
    .object({
      engine: z.custom<SegmentsOptions['engine']>(
        (value) => typeof value === 'function',
        'Expected a function (workspaceId) => SegmentEngine',
      ),
    })
    .optional(),
  channels: z
    .object({
      service: z.custom<ServerChannelsOptions['service']>(
        (value) => typeof value === 'function',
        'Expected a function (workspaceId) => Channels',
      ),
      inbox: z
        .custom<NonNullable<ServerChannelsOptions['inbox']>>(
          (value) => typeof value === 'function',
          'Expected a function (workspaceId) => Inbox',
        )
        .optional(),
    })
    .optional(),
});

/** Options after validation and defaults. */
export interface ResolvedOptions {
  identity: CollectorIdentity;
  /** Every configured key, by digest, with its workspace and scope. */
  keys: KeyRing;
  maxEventBytes: number;
  maxBatchBytes: number;
  rateLimit: { requestsPerSecond: number; burst: number } | undefined;
  clock: Clock;
  basePath: string;
  onError: (error: unknown) => void;
  work: WorkQueue | undefined;
  /** The segment engine of a workspace (kept once made), or `undefined` where segments are off. */
  segments: ((workspaceId: string) => SegmentEngine | undefined) | undefined;
  /** The channels service and inbox of a workspace (kept once made), where messaging is on. */
  channels: ChannelsResolver | undefined;
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
  const entries: KeyEntry[] = [];
  const seen = new Set<string>();
  for (const workspace of parsed.workspaces) {
    for (const scope of SCOPES) {
      const given = workspace[SCOPE_FIELDS[scope]];
      for (const key of given === undefined ? [] : Array.isArray(given) ? given : [given]) {
        const digest = configuredDigest(key as KeyInput);
        const id = digest.toString('hex');
        if (seen.has(id)) throw new ConfigError('collector options: every key must be unique');
        seen.add(id);
        entries.push({ workspaceId: workspace.workspaceId, scope, id, digest });
      }
    }
  }
  const rate = parsed.rateLimit;
  const keys = createKeyRing(entries);
  return {
    identity: parsed.identity,
    keys,
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
    work: parsed.work,
    segments: parsed.segments === undefined ? undefined : keptPerWorkspace(parsed.segments.engine),
    channels:
      parsed.channels === undefined
        ? undefined
        : keptChannels(parsed.channels, (workspaceId) => keys.scopesOf(workspaceId).size > 0),
  };
}

/**
 * Asks `make` once per workspace and keeps the answer. An engine of another workspace would
 * serve that workspace's segments under this one's keys, so it is refused.
 */
function keptPerWorkspace(
  make: SegmentsOptions['engine'],
): (workspaceId: string) => SegmentEngine | undefined {
  const engines = new Map<string, SegmentEngine | undefined>();
  return (workspaceId) => {
    if (engines.has(workspaceId)) return engines.get(workspaceId);
    const engine = make(workspaceId);
    if (engine !== undefined && engine.workspaceId !== workspaceId) {
      throw new ConfigError(
        `segments.engine("${workspaceId}") returned the engine of workspace "${engine.workspaceId}"`,
      );
    }
    engines.set(workspaceId, engine);
    return engine;
  };
}
