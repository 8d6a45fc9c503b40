import {
  assertWorkspaceId,
  type Clock,
  ConfigError,
  ConflictError,
  createEventConsumer,
  createPollLoop,
  type EventBus,
  type EventConsumer,
  type IdleOptions,
  NotFoundError,
  parseOrThrow,
  type Storage,
  type StoredDocument,
  systemClock,
} from '@cx/core';
import { z } from 'zod';
import type { ComputedTraitDefinition } from '../definition/computed-trait-schema';
import {
  orderDefinitions,
  parseComputedTrait,
  parseSegmentDefinition,
  referencedSegments,
} from '../definition/parse-definitions';
import type { SegmentDefinition } from '../definition/segment-schema';
import { applyPage } from './apply-page';
import { type CatchUpProgress, catchUpStep } from './catch-up';
import {
  COMPUTED_TRAIT_DEFINITIONS,
  compileModels,
  DEFINITIONS_CHANGED,
  definitionsChanged,
  loadDefinitions,
  type Models,
  SEGMENT_DEFINITIONS,
  type StoredComputedTrait,
  type StoredSegment,
} from './definition-store';
import { createExpiryRunner } from './expiry-runner';
import { PROFILE_STATE, type ProfileSegmentState } from './profile-state';
import { traitState } from './segment-model';

/** Options of {@link createSegmentEngine}. */
export interface SegmentEngineOptions {
  storage: Storage;
  workspaceId: string;
  /** Where time comes from (windows, expiry); the storage should share it. Default the system clock. */
  clock?: Clock;
  /** Wakes the consumer on new events and the expiry worker on new checks. */
  bus?: EventBus;
  /** Events per page of the real-time consumer and of replays; default 500, at most 1,000. */
  pageSize?: number;
  /**
   * How long one process keeps the right to follow the log (the consumer's lease); default 30 s.
   * A process that dies is replaced after this.
   */
  leaseMs?: number;
  /** Sleep between idle polls of the consumer and the expiry worker; default 50 ms doubling to 5 s. */
  idle?: IdleOptions;
  onError?: (error: unknown) => void;
}

/** A segment as listed. */
export interface SegmentSummary {
  id: string;
  name: string;
  /** `live` (updated in real time), `replaying` or `settling` (being applied to the history). */
  status: 'live' | 'replaying' | 'settling';
  version: number;
  definition: SegmentDefinition;
}

/** The real-time segment engine of one workspace. */
export interface SegmentEngine {
  /**
   * Saves a segment (new, or a new version). It is applied to the whole event log and every
   * profile before it goes live; until then the previous version (if any) stays live.
   *
   * @throws `ValidationError` (with paths) for a bad definition, an unknown reference or a cycle;
   *   nothing is stored then.
   */
  define(definition: SegmentDefinition): Promise<{ id: string; version: number }>;
  /** Saves a computed trait; applied to the history like a segment. @throws `ValidationError`. */
  defineComputedTrait(definition: ComputedTraitDefinition): Promise<{ id: string; version: number }>;
  /** Stops evaluating a segment. @throws `ConflictError` while another segment refers to it. */
  remove(segmentId: string): Promise<void>;
  list(): Promise<SegmentSummary[]>;
  /** One segment, or `null`. */
  get(segmentId: string): Promise<SegmentSummary | null>;
  /** The computed traits. */
  listComputedTraits(): Promise<ComputedTraitDefinition[]>;
  /** Brings pending definitions live, follows the log and runs due expiry checks, until idle. */
  drain(): Promise<void>;
  /** Runs in the background until {@link SegmentEngine.stop}. */
  start(): void;
  stop(): Promise<void>;
  /** Where pending definitions are, or `null` when all are live. */
  progress(): Promise<CatchUpProgress | null>;
  /** Events not yet applied by the real-time consumer. */
  lag(): Promise<number>;
  /** The segments a profile is in now, with when it entered each. */
  segmentsOf(profileId: string): Promise<{ segmentId: string; enteredAt: string }[]>;
  /** A profile's computed traits now. */
  computedTraitsOf(profileId: string): Promise<Record<string, unknown>>;
  /** The compiled models (live and next), for explain and previews. */
  models(): Promise<Models>;
  readonly storage: Storage;
  readonly workspaceId: string;
  readonly clock: Clock;
}

const optionsSchema = z.object({
  storage: z.custom<Storage>(
    (value) => typeof value === 'object' && value !== null,
    'A storage adapter is required',
  ),
  workspaceId: z.string(),
  // A page's commit schedules one time check per profile: at most 1,000 per commit.
  pageSize: z.number().int().min(1).max(1000).optional(),
  leaseMs: z.number().int().min(1).optional(),
});

/** The real-time consumer's name (its checkpoint in `core.consumers`). */
export const REALTIME_CONSUMER = 'segments.realtime';

/**
 * Creates the segment engine of a workspace: an event-log consumer that keeps per-profile leaf
 * states and memberships, a worker that runs window expiry on time, and a catch-up that applies
 * new definitions to the history. All three write through atomic commits, so a crash at any
 * point loses nothing and applies nothing twice.
 *
 * @throws `ConfigError` for bad options.
 * @example
 * ```ts
 * const engine = createSegmentEngine({ storage, workspaceId: 'acme' });
 * await engine.define(defineSegment({ id: 'buyers', name: 'Buyers', node: performed('Order Completed') }));
 * engine.start(); // or await engine.drain() in tests and scripts
 * ```
 */
export function createSegmentEngine(options: SegmentEngineOptions): SegmentEngine {
  try {
    parseOrThrow(optionsSchema, options, 'segment engine options');
    assertWorkspaceId(options.workspaceId);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  const { storage, workspaceId } = options;
  const clock = options.clock ?? systemClock;
  const pageSize = options.pageSize ?? 500;
  const onError = options.onError ?? ((error: unknown) => console.error('cx segments:', error));
  let cached:
    | { signature: string; changed: string | null; models: Models; names: Map<string, string> }
    | undefined;

  const models = async () => {
    // One read tells whether anything changed; the definitions are listed only then.
    const changed = await storage.documents.get<string>(
      workspaceId,
      DEFINITIONS_CHANGED.collection,
      DEFINITIONS_CHANGED.key,
    );
    if (cached && cached.changed === (changed?.value ?? null)) return cached;
    const stored = await loadDefinitions(storage, workspaceId);
    const signature = [...stored.segments, ...stored.traits]
      .map((doc) => `${doc.collection}/${doc.key}@${doc.version}`)
      .join(',');
    if (cached?.signature !== signature) {
      const compiled = compileModels(
        stored.segments.map((doc) => doc.value),
        stored.traits.map((doc) => doc.value),
      );
      const names = new Map(compiled.next.segments.map((s) => [s.definition.id, s.definition.name]));
      for (const s of compiled.live.segments) names.set(s.definition.id, s.definition.name);
      cached = { signature, changed: changed?.value ?? null, models: compiled, names };
    }
    cached.changed = changed?.value ?? null;
    return cached;
  };

  const consumer: EventConsumer = createEventConsumer({
    storage,
    workspaceId,
    name: REALTIME_CONSUMER,
    pageSize,
    clock,
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.idle ? { idle: options.idle } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    onError,
    handler: async (events) => {
      const { models: current, names } = await models();
      const now = clock.now();
      const batch = await applyPage(events, {
        storage,
        workspaceId,
        model: current.live,
        now,
        names: (id) => names.get(id) ?? id,
      });
      return batch.commitInput(now);
    },
  });

  const expiry = createExpiryRunner({
    storage,
    workspaceId,
    clock,
    onError,
    ...(options.idle ? { idle: options.idle } : {}),
    model: async () => {
      const { models: current, names } = await models();
      return { model: current.live, names: (id: string) => names.get(id) ?? id };
    },
  });
  const catchUp = () =>
    catchUpStep({ storage, workspaceId, consumer: REALTIME_CONSUMER, now: () => clock.now(), pageSize });

  const catchUpLoop = createPollLoop({
    clock,
    onError,
    tick: async () => ({ busy: (await catchUp()) !== false }),
    idle: { minMs: 200, maxMs: 5000 },
  });

  const checkSet = async (segments: SegmentDefinition[], traits: ComputedTraitDefinition[]) => {
    orderDefinitions(segments, traits); // throws on unknown references and cycles
  };

  const currentDefinitions = async () => {
    const stored = await loadDefinitions(storage, workspaceId);
    return {
      stored,
      segments: stored.segments
        .filter((doc) => !doc.value.removed)
        .map((doc) => (doc.value.pending ?? doc.value.live)!.definition),
      traits: stored.traits.map((doc) => (doc.value.pending ?? doc.value.live)!.definition),
    };
  };

  /**
   * Stores a new version of a segment or computed trait as pending (the live one, if any, stays
   * live until the new one has been applied to the history) and wakes the catch-up. A removed
   * segment saved again starts over with nothing live.
   */
  const savePending = async (
    collection: typeof SEGMENT_DEFINITIONS | typeof COMPUTED_TRAIT_DEFINITIONS,
    definition: SegmentDefinition | ComputedTraitDefinition,
    current: StoredDocument<StoredSegment | StoredComputedTrait> | undefined,
  ) => {
    const previous = current?.value;
    const version = Math.max(previous?.live?.version ?? 0, previous?.pending?.version ?? 0) + 1;
    const value = {
      ...(previous?.live && !(previous as StoredSegment).removed ? { live: previous.live } : {}),
      pending: { definition, version, replayed: null, replayedEvents: 0 },
    };
    await storage.documents.putMany<unknown>(workspaceId, [
      definitionsChanged(),
      { collection, key: definition.id, value, expectedVersion: current?.version ?? 0 },
    ]);
    catchUpLoop.wake();
    return { id: definition.id, version };
  };

  const summary = (value: StoredSegment): SegmentSummary | null => {
    if (value.removed) return null;
    const shown = value.live ?? value.pending!;
    return {
      id: shown.definition.id,
      name: shown.definition.name,
      status: value.live ? 'live' : value.pending?.settling ? 'settling' : 'replaying',
      version: shown.version,
      definition: shown.definition,
    };
  };

  return {
    storage,
    workspaceId,
    clock,
    async define(input) {
      const definition = parseSegmentDefinition(input);
      const { stored, segments, traits } = await currentDefinitions();
      await checkSet([definition, ...segments.filter((s) => s.id !== definition.id)], traits);
      const doc = stored.segments.find((d) => d.key === definition.id);
      return savePending(SEGMENT_DEFINITIONS, definition, doc);
    },
    async defineComputedTrait(input) {
      const definition = parseComputedTrait(input);
      const { stored } = await currentDefinitions();
      return savePending(
        COMPUTED_TRAIT_DEFINITIONS,
        definition,
        stored.traits.find((d) => d.key === definition.id),
      );
    },
    async remove(segmentId) {
      const { stored, segments } = await currentDefinitions();
      const doc = stored.segments.find((d) => d.key === segmentId && !d.value.removed);
      if (!doc) throw new NotFoundError(`No segment ${segmentId}`);
      const dependent = segments.find((s) => s.id !== segmentId && referencedSegments(s).includes(segmentId));
      if (dependent)
        throw new ConflictError(`Segment ${dependent.id} refers to ${segmentId}; change it first`);
      await storage.documents.putMany<unknown>(workspaceId, [
        definitionsChanged(),
        {
          collection: SEGMENT_DEFINITIONS,
          key: segmentId,
          value: { ...doc.value, removed: true },
          expectedVersion: doc.version,
        },
      ]);
    },
    async list() {
      const { stored } = await currentDefinitions();
      return stored.segments.map((doc) => summary(doc.value)).filter((s): s is SegmentSummary => s !== null);
    },
    async get(segmentId) {
      const doc = await storage.documents.get<StoredSegment>(workspaceId, SEGMENT_DEFINITIONS, segmentId);
      return doc ? summary(doc.value) : null;
    },
    async listComputedTraits() {
      return (await currentDefinitions()).traits;
    },
    async drain() {
      for (let round = 0; round < 1_000_000; round++) {
        let busy = false;
        const { models: current } = await models();
        // Definitions waiting to go live are the only reason to run the catch-up.
        if (current.pendingSegments.size + current.pendingTraits.size > 0) {
          while ((await catchUp()) !== false) busy = true;
        }
        if ((await consumer.drain()) > 0) busy = true;
        for (let done = await expiry.runOnce(); done > 0; done = await expiry.runOnce()) busy = true;
        if (!busy) return;
      }
    },
    start() {
      consumer.start();
      expiry.loop.start();
      catchUpLoop.start();
    },
    async stop() {
      await Promise.all([consumer.stop(), expiry.loop.stop(), catchUpLoop.stop()]);
    },
    async progress() {
      const result = await catchUpStepPeek();
      return result;
    },
    lag: () => consumer.lag(),
    async segmentsOf(profileId) {
      const doc = await storage.documents.get<ProfileSegmentState | null>(
        workspaceId,
        PROFILE_STATE,
        profileId,
      );
      const { models: current } = await models();
      const live = new Set(current.live.segments.map((s) => s.definition.id));
      return Object.entries(doc?.value?.m ?? {})
        .filter(([id]) => live.has(id))
        .map(([segmentId, at]) => ({ segmentId, enteredAt: new Date(at).toISOString() }));
    },
    async computedTraitsOf(profileId) {
      const doc = await storage.documents.get<ProfileSegmentState | null>(
        workspaceId,
        PROFILE_STATE,
        profileId,
      );
      const { models: current } = await models();
      const now = clock.now();
      const out: Record<string, unknown> = {};
      for (const trait of current.live.traits.values()) {
        out[trait.definition.id] = trait.value(doc?.value ? traitState(doc.value, trait) : undefined, now);
      }
      return out;
    },
    models: async () => (await models()).models,
  };

  /** Progress without doing a step: read from the stored definitions. */
  async function catchUpStepPeek(): Promise<CatchUpProgress | null> {
    const stored = await loadDefinitions(storage, workspaceId);
    const pending = stored.segments.filter((d) => d.value.pending && !d.value.removed);
    const traits = stored.traits.filter((d) => d.value.pending);
    if (pending.length === 0 && traits.length === 0) return null;
    const first = (pending[0]?.value.pending ?? traits[0]!.value.pending)!;
    const checkpoint = await consumer.checkpoint();
    const remaining =
      (await storage.events.countAfter(workspaceId, first.replayed)) -
      (await storage.events.countAfter(workspaceId, checkpoint?.position ?? null));
    return {
      pending: [...pending.map((d) => d.key), ...traits.map((d) => d.key)],
      replayedEvents: first.replayedEvents,
      remainingEvents: Math.max(0, remaining),
      settledProfiles: pending[0]?.value.pending?.settling?.profiles ?? 0,
    };
  }
}
