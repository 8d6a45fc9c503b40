import {
  type Clock,
  ConflictError,
  type CxEvent,
  createIdGenerator,
  type EventBus,
  type Page,
  parseOrThrow,
  type Storage,
  systemClock,
} from '@cx/core';
import { z } from 'zod';
import { type IngestOptions, ingestBatch } from './collection/ingest';
import type { IngestResult } from './collection/ingest-result';
import { RecentMessages } from './collection/recent-messages';
import { type IdentityConfig, type IdentityConfigInput, resolveConfig } from './config/identity-config';
import type { IdentityDecision } from './decisions/decision';
import { manualMerge } from './graph/manual-merge';
import type { MergeLogEntry } from './graph/merge-log';
import { type UnmergeOutcome, unmergeProfiles } from './graph/unmerge';
import { type DeletePersonOutcome, deletePerson } from './privacy/delete-person';
import { exportPerson, type PersonExport } from './privacy/export-person';
import { decisionsOf } from './privacy/person-documents';
import { type SuppressionOutcome, suppressPerson, unsuppressPerson } from './privacy/suppression';
import { buildProfile360, type Profile360, type ProfileExtension } from './profiles/profile-360';
import { findProfile, type ProfileRef, requireProfile } from './profiles/profile-ref';
import type { IdentityRuntime } from './runtime';

/** Options of {@link createIdentity}. */
export interface IdentityOptions {
  /** Where events, profiles and identity's documents live: `memoryStorage()`, `sqliteStorage()`... */
  storage: Storage;
  /** Where decisions, merges and `events.appended` are published; optional. */
  bus?: EventBus;
  /** Where time comes from; defaults to the system clock. */
  clock?: Clock;
  /** Identifier types, merge rules, trait strategies; every field has a default. */
  config?: IdentityConfigInput;
}

/** Which events of a person to list: the EventStore's profile query without `profileIds`. */
export interface ProfileEventsOptions {
  from?: string | Date;
  to?: string | Date;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string | null;
}

/** The identity service: collection, identity resolution, profiles and privacy operations. */
export interface Identity {
  /** The validated configuration with defaults filled in. */
  readonly config: IdentityConfig;
  /** Ingests Segment Spec calls; one result per event, nothing dropped silently. */
  ingest(workspaceId: string, rawEvents: readonly unknown[], options?: IngestOptions): Promise<IngestResult>;
  /** The 360° view of a person, or `null` when no profile matches. */
  getProfile(workspaceId: string, ref: ProfileRef): Promise<Profile360 | null>;
  /** A page of the person's events (every merged profile), oldest first by default. */
  listProfileEvents(
    workspaceId: string,
    ref: ProfileRef,
    query?: ProfileEventsOptions,
  ): Promise<Page<CxEvent>>;
  /** Every identity decision about the person, oldest first. */
  listDecisions(workspaceId: string, ref: ProfileRef): Promise<IdentityDecision[]>;
  /** Merges `from` into `into` on an operator's word; identifier limits still apply. */
  merge(workspaceId: string, into: ProfileRef, from: ProfileRef): Promise<MergeLogEntry>;
  /** Undoes a merge exactly (see the merge log). */
  unmerge(workspaceId: string, mergeId: string): Promise<UnmergeOutcome>;
  /** Deletes the person everywhere, leaving only hashed tombstones. */
  deletePerson(workspaceId: string, ref: ProfileRef): Promise<DeletePersonOutcome>;
  /** Blocks the person's events until `unsuppress`. */
  suppress(workspaceId: string, ref: ProfileRef): Promise<SuppressionOutcome>;
  unsuppress(workspaceId: string, ref: ProfileRef): Promise<SuppressionOutcome>;
  /** Everything about the person as JSON. */
  exportPerson(workspaceId: string, ref: ProfileRef): Promise<PersonExport>;
  /** Adds a section to every 360° view, under `extensions[name]`. */
  registerProfileExtension(name: string, extension: ProfileExtension): void;
  /**
   * Settles once the bus notifications of every operation finished so far are published. They go
   * out after each operation returns (never inside it); await this before closing the bus, or in
   * a test that reads what subscribers saw.
   */
  notified(): Promise<void>;
}

const optionsSchema = z.object({
  storage: z.custom<Storage>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      ['events', 'profiles', 'documents'].every(
        (port) => typeof (value as Record<string, unknown>)[port] === 'object',
      ),
    'Expected a cx Storage (memoryStorage(), sqliteStorage(), postgresStorage())',
  ),
  bus: z
    .custom<EventBus>(
      (value) => typeof (value as EventBus | undefined)?.publish === 'function',
      'Expected an EventBus',
    )
    .optional(),
  clock: z
    .custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function', 'Expected a Clock')
    .optional(),
  config: z.unknown().optional(),
});

const extensionNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'Extension names are lower-case, 1-64 characters');
const eventsQuerySchema = z
  .object({
    from: z.union([z.string(), z.date()]).optional(),
    to: z.union([z.string(), z.date()]).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.number().optional(),
    cursor: z.string().nullable().optional(),
  })
  .strict()
  .default({});

/**
 * Creates the identity service over a storage adapter.
 *
 * @throws `ConfigError` when `config` is invalid; `ValidationError` when `storage` is missing.
 * @example
 * ```ts
 * import { memoryStorage } from '@cx/core';
 * import { createIdentity } from '@cx/identity';
 *
 * const identity = createIdentity({ storage: memoryStorage(), config: { phoneRegion: 'VN' } });
 * await identity.ingest('acme', [
 *   { type: 'track', event: 'Product Viewed', anonymousId: 'a-1' },
 *   { type: 'identify', anonymousId: 'a-1', userId: 'u-1', traits: { email: 'An@Example.com', phone: '0912 345 678' } },
 * ]);
 * const profile = await identity.getProfile('acme', { type: 'phone', value: '+84912345678' });
 * profile?.identifiers; // user_id u-1, anonymous_id a-1, email an@example.com, phone +84912345678
 * ```
 */
export function createIdentity(options: IdentityOptions): Identity {
  const parsed = parseOrThrow(optionsSchema, options, 'identity options');
  const config = resolveConfig(parsed.config ?? {});
  const clock = parsed.clock ?? systemClock;
  const runtime: IdentityRuntime = {
    storage: parsed.storage,
    bus: parsed.bus,
    clock,
    config,
    newId: createIdGenerator(clock),
    recent: new RecentMessages(config.dedupe.windowMs, config.dedupe.maxEntries),
    notifications: Promise.resolve(),
  };
  const extensions = new Map<string, ProfileExtension>();

  return {
    config,
    ingest: (workspaceId, rawEvents, ingestOptions) =>
      ingestBatch(runtime, workspaceId, rawEvents, ingestOptions),

    async getProfile(workspaceId, ref) {
      const record = await findProfile(runtime, workspaceId, ref);
      return record ? buildProfile360(runtime, workspaceId, record, extensions) : null;
    },

    async listProfileEvents(workspaceId, ref, query) {
      const q = parseOrThrow(eventsQuerySchema, query, 'profile events query');
      const record = await requireProfile(runtime, workspaceId, ref);
      const members = await runtime.storage.profiles.members(workspaceId, record.id);
      return runtime.storage.events.listByProfile(workspaceId, { ...q, profileIds: members });
    },

    async listDecisions(workspaceId, ref) {
      const record = await requireProfile(runtime, workspaceId, ref);
      const members = await runtime.storage.profiles.members(workspaceId, record.id);
      const docs = await decisionsOf(runtime, workspaceId, members);
      const unique = new Map(docs.map((doc) => [doc.value.id, doc.value]));
      return [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    },

    merge: (workspaceId, into, from) => manualMerge(runtime, workspaceId, into, from),
    unmerge: (workspaceId, mergeId) => unmergeProfiles(runtime, workspaceId, mergeId),
    deletePerson: (workspaceId, ref) => deletePerson(runtime, workspaceId, ref),
    suppress: (workspaceId, ref) => suppressPerson(runtime, workspaceId, ref),
    unsuppress: (workspaceId, ref) => unsuppressPerson(runtime, workspaceId, ref),
    exportPerson: (workspaceId, ref) => exportPerson(runtime, workspaceId, ref, extensions),

    notified: () => runtime.notifications,

    registerProfileExtension(name, extension) {
      const key = parseOrThrow(extensionNameSchema, name, 'extension name');
      if (typeof extension !== 'function') {
        throw new ConflictError(`Extension ${key} must be a function`);
      }
      if (extensions.has(key))
        throw new ConflictError(`A profile extension named ${key} is already registered`);
      extensions.set(key, extension);
    },
  };
}
