import type { Channels } from '@cx/channels';
import {
  assertWorkspaceId,
  type Clock,
  ConfigError,
  createEventConsumer,
  type EventBus,
  type IdleOptions,
  isCxError,
  NotFoundError,
  type Page,
  type Storage,
  systemClock,
} from '@cx/core';
import { parseJourney } from '../definition/define-journey';
import type { JourneyDefinition } from '../definition/journey-types';
import type { InstanceState } from '../engine/step-types';
import type { AdmissionRefusal } from './admission';
import type { StepDependencies } from './apply-step';
import { definitionCache } from './definition-cache';
import { admitEntries, admitEntry, type EntryOutcome } from './enter-many';
import { type ApiEntry, parseEnter, parseEnterMany } from './entry-inputs';
import { applyEventPage } from './event-inputs';
import { inputNamesWrite } from './input-routing';
import { type JourneyStats, journeyStats, type NodeMember, nodeMembers } from './journey-stats';
import {
  type CurrentVersion,
  EVENTS_CONSUMER,
  JOURNEY_COLLECTIONS,
  JourneyWorkingSet,
  type ProfileJourneys,
  type StepFailure,
  type StoredInstance,
  type StoredVersion,
} from './journey-store';
import {
  checkMigration,
  type MigrationCounts,
  type MigrationMap,
  migrateVersions,
} from './migrate-instances';
import { exitVersions } from './migration';
import { createSchedulePlanner, plannerItem, type SegmentMembers } from './schedule-planner';
import { createScheduledEntryWorker } from './scheduled-entry-worker';
import { createTimerWorker } from './timer-worker';
import { createWebhookWorker, type JourneyWebhookOptions, parseWebhookOptions } from './webhook-worker';

/** Options of {@link createJourneys}. */
export interface JourneysOptions {
  storage: Storage;
  workspaceId: string;
  /** Where time comes from (steps, timers, leases); the storage and channels should share it. */
  clock?: Clock;
  /** Sends the journeys' messages; their delivery events come back through the event log. */
  channels: Channels;
  /**
   * The segments a profile is in now (for branches on segment membership, and to check that a
   * person planned for a schedule entry is still in its segment when their time comes); default none.
   */
  segmentsOf?: StepDependencies['segmentsOf'];
  /**
   * The profile ids in a segment now, for journeys entered on a schedule (`onSchedule`): their
   * planner lists the segment's members once a day (see "Scheduled entries" in the README).
   * Required to publish such a journey. With `@cx/segments`:
   * `(segment) => membersAt(storage, workspaceId, segment, Date.now())`.
   */
  segmentMembers?: SegmentMembers;
  /** The variation of an experiment for a person (for experiment splits); default `null` (holdout). */
  assignVariation?: StepDependencies['assignVariation'];
  /** Lease of the event consumer and of each claimed timer; default 30 s. */
  leaseMs?: number;
  /** Wakes the consumer on `events.appended` and the workers on `work.scheduled`. */
  bus?: EventBus;
  /** Sleep between idle polls; default 50 ms doubling to 5 s. */
  idle?: IdleOptions;
  /** Failures of the background loops; default `console.error`. */
  onError?: (error: unknown) => void;
  /**
   * How `webhook` nodes are called (signing secret, timeout, `fetch`, attempts): see
   * {@link JourneyWebhookOptions}. The calls go out through a worker of `journey.webhooks`, run
   * by `start()` and `drain()` like the timers.
   */
  webhooks?: JourneyWebhookOptions;
}

/** What a new version does to the instances of the earlier ones. */
export interface PublishOptions {
  /**
   * `keep` (the default): running instances stay on the version they entered, to the end.
   * `exit`: every running instance of the earlier versions ends at once (eagerly, during
   * `publish`), with outcome `exit` `version-replaced`.
   * `{ map, unmapped }`: moves running instances to the new version, eagerly too. An instance at a
   * node the map names (a node of an earlier version → a node of the new one) ends with outcome
   * `exit` `version-migrated` (`Journey Exited` with `reason: 'migrated'` and `toVersion`), and a
   * new instance of the new version takes over for the same person, with the same entry data,
   * correlation keys, data and `enteredAt`, and runs from the mapped node now (a wait starts
   * over, a message node sends; `Journey Entered` carries `migratedFrom`), in one commit with the
   * old one's end. Instances at other nodes stay on their version (`unmapped: 'keep'`, the
   * default) or end as with `exit` (`unmapped: 'exit'`).
   *
   * The map is checked before anything is stored: a value that is not a node of the new
   * definition (`unknown_target_node`), or a key that is a node of no earlier version
   * (`unknown_source_node`), makes `publish` throw a `ValidationError` listing every problem.
   *
   * @example
   * ```ts
   * await journeys.publish(cartV2, { migrate: { map: { 'wait-order': 'wait-order', reminder: 'email' } } });
   * ```
   */
  migrate?: 'keep' | 'exit' | MigrationMap;
  /**
   * Publish only when the definition differs from the current version (same JSON, key order
   * aside): a process that publishes its journeys on every start (`cx serve --journeys`) does not
   * make a new version each time. Returns the current version when unchanged.
   */
  ifChanged?: boolean;
}

/**
 * What {@link Journeys.publish} did: the journey and its version (the current one when
 * `ifChanged` found nothing changed); with `migrate: 'exit'` or a map, how many running instances
 * of earlier versions were ended (`exited`) and moved (`migrated`).
 */
export interface PublishResult extends Partial<MigrationCounts> {
  id: string;
  version: number;
}

/** An instance as the runtime reports it: the engine's state and the messages that failed. */
export type JourneyInstance = InstanceState & { failures: StepFailure[] };

/** What {@link Journeys.enter} did. */
export type EnterResult =
  | { entered: true; instance: JourneyInstance }
  | { entered: false; reason: AdmissionRefusal };

/** The durable journey runtime of one workspace. */
export interface Journeys {
  /**
   * Validates and stores a new immutable version of a journey and makes it current, in one
   * commit. New entries go into it; see {@link PublishOptions} for running instances.
   *
   * @throws `ValidationError` listing every problem of the definition, or of a `migrate` map;
   *   `ConfigError` for a journey entered on a schedule when the runtime has no `segmentMembers`;
   *   nothing is stored then.
   */
  publish(definition: JourneyDefinition | unknown, options?: PublishOptions): Promise<PublishResult>;
  /**
   * Enters a person into the current version of an `api`-entry journey, by its re-entry rule and
   * entry cap, and runs the first step.
   *
   * @throws `ValidationError` for bad arguments, `NotFoundError` for a journey never published,
   *   `ConfigError` for one whose entry is not `api`.
   */
  enter(journeyId: string, profileId: string, data?: Record<string, unknown>): Promise<EnterResult>;
  /**
   * Enters up to 1,000 people at once (an imported list, a nightly batch), as {@link Journeys.enter}
   * would one by one, in one commit: their indexes and profiles are read with one `getMany` each.
   * Results come in the order of `entries`. When another writer changed one of the people's
   * journey indexes meanwhile (or the batch's first steps schedule more than one commit holds),
   * the batch is entered again one person at a time; an error then (storage down) leaves the
   * people before it entered, so call again with the rest, not the whole batch, under `always`.
   *
   * @throws `ValidationError` for bad entries (nothing entered), and as {@link Journeys.enter}.
   */
  enterMany(journeyId: string, entries: readonly ApiEntry[]): Promise<EnterResult[]>;
  /** One instance, or `null`. */
  instance(id: string): Promise<JourneyInstance | null>;
  /** A profile's recent instances (up to 50 per journey), oldest first per journey. */
  instancesOf(profileId: string): Promise<JourneyInstance[]>;
  /** Node, goal and outcome counts of a version (default the current one). */
  stats(journeyId: string, version?: number): Promise<JourneyStats>;
  /** The people waiting at a node of a version (default the current one) now. */
  membersAt(
    journeyId: string,
    node: string,
    query?: { version?: number; limit?: number; cursor?: string | null },
  ): Promise<Page<NodeMember>>;
  /**
   * Follows the event log, runs due timers, calls due webhooks, plans schedule entries and admits
   * people whose scheduled time has come, in the background until {@link Journeys.stop}.
   */
  start(): void;
  /** Stops the loops after their current work. */
  stop(): Promise<void>;
  /**
   * Applies the event log, every due timer, webhook call, schedule planning round and scheduled
   * entry until none has anything left.
   */
  drain(): Promise<void>;
}

const toInstance = (stored: StoredInstance): JourneyInstance => ({
  ...stored.state,
  failures: stored.failures,
});

const toEnterResult = (outcome: EntryOutcome): EnterResult =>
  'refused' in outcome
    ? { entered: false, reason: outcome.refused }
    : { entered: true, instance: toInstance(outcome.admitted) };

/**
 * The durable journey runtime: an event-log consumer (`journey.events`) admits people into
 * journeys and feeds their events, segment changes and message results to their instances; a
 * worker of `journey.timers` runs waits and timeouts, one of `journey.webhooks` calls the URLs
 * of `webhook` nodes (scheduled in the step's commit), and those of `journey.schedules` and
 * `journey.scheduled-entries` plan and admit the entries of schedule-entry journeys. Each step
 * renders its messages through `channels.prepare` and commits the instance, its messages' outbox
 * items, its timer, trait writes and `Journey Entered/Step/Exited` events in one commit with the
 * version it read, so a crash anywhere, or two processes on one PostgreSQL database, never run a
 * step's effects twice, and a step that loses a race sends nothing.
 *
 * @example
 * ```ts
 * import { memoryStorage } from '@cx/core';
 * import { createChannels } from '@cx/channels';
 * import { createJourneys } from '@cx/journey';
 *
 * const storage = memoryStorage();
 * const channels = createChannels({ storage, workspaceId: 'shop', adapters: [] });
 * const journeys = createJourneys({ storage, workspaceId: 'shop', channels });
 * await journeys.publish(abandonedCart); // a definition made with defineJourney
 * journeys.start(); // or `await journeys.drain()` in tests and scripts
 * ```
 *
 * @throws `ConfigError` for bad options.
 */
export function createJourneys(options: JourneysOptions): Journeys {
  try {
    assertWorkspaceId(options.workspaceId);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  if (!options.storage || !options.channels)
    throw new ConfigError('journeys options: storage and channels are required');
  const webhookOptions = parseWebhookOptions(options.webhooks);
  const { storage, workspaceId } = options;
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? ((error: unknown) => console.error('cx journeys:', error));
  const definitions = definitionCache(storage, workspaceId);
  const deps: StepDependencies = {
    storage,
    workspaceId,
    channels: options.channels,
    ...(options.segmentsOf ? { segmentsOf: options.segmentsOf } : {}),
    ...(options.assignVariation ? { assignVariation: options.assignVariation } : {}),
  };
  const shared = {
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.idle ? { idle: options.idle } : {}),
  };
  const consumer = createEventConsumer({
    storage,
    workspaceId,
    name: EVENTS_CONSUMER,
    clock,
    // Most events of a page are passed over by name; bigger pages mean fewer reads and commits.
    pageSize: 500,
    onError,
    ...shared,
    handler: (events) => applyEventPage({ ...deps, definitions, now: () => clock.now() }, events),
  });
  const timers = createTimerWorker({ ...deps, definitions, clock, onError, ...shared });
  const webhooks = createWebhookWorker({
    ...webhookOptions,
    storage,
    workspaceId,
    clock,
    onError,
    ...shared,
  });
  const planner = createSchedulePlanner({
    storage,
    workspaceId,
    clock,
    segmentMembers: options.segmentMembers,
    onError,
    ...shared,
  });
  const scheduledEntries = createScheduledEntryWorker({ ...deps, definitions, clock, onError, ...shared });

  const currentVersion = async (journeyId: string) => {
    const current = await definitions.currentOf(journeyId);
    if (!current) throw new NotFoundError(`journey ${journeyId} was never published`);
    return current;
  };

  /** The current version of a journey people enter through the API. */
  const apiJourney = async (journeyId: string) => {
    const current = await currentVersion(journeyId);
    if (current.definition.entry.type !== 'api')
      throw new ConfigError(
        `journey ${journeyId} is entered by ${current.definition.entry.type}, not through the API`,
      );
    return current;
  };

  const journeys: Journeys = {
    async publish(input, publishOptions = {}) {
      // Every problem at once, before anything is stored.
      const definition = parseJourney(input);
      if (definition.entry.type === 'schedule' && !options.segmentMembers)
        throw new ConfigError(
          `journey ${definition.id} is entered on a schedule: pass segmentMembers to createJourneys to publish it`,
        );
      const migrate = await checkMigration(definitions, definition, publishOptions.migrate);
      for (let attempt = 0; ; attempt++) {
        const current = await storage.documents.get<CurrentVersion>(
          workspaceId,
          JOURNEY_COLLECTIONS.current,
          definition.id,
        );
        if (publishOptions.ifChanged && current) {
          const stored = await storage.documents.get<StoredVersion>(
            workspaceId,
            JOURNEY_COLLECTIONS.definitions,
            `${definition.id}@${current.value.version}`,
          );
          if (stored && stableJson(stored.value.definition) === stableJson(definition)) {
            return { id: definition.id, version: current.value.version };
          }
        }
        const version = (current?.value.version ?? 0) + 1;
        try {
          await storage.commit(workspaceId, {
            documents: [
              {
                collection: JOURNEY_COLLECTIONS.definitions,
                key: `${definition.id}@${version}`,
                value: { definition, version, publishedAt: clock.now() } satisfies StoredVersion,
                expectedVersion: 0,
              },
              {
                collection: JOURNEY_COLLECTIONS.current,
                key: definition.id,
                value: { version } satisfies CurrentVersion,
                expectedVersion: current?.version ?? 0,
              },
              await inputNamesWrite(storage, workspaceId, definition),
            ],
            // A schedule entry is planned at once, replacing a round planned for an earlier version.
            ...(definition.entry.type === 'schedule'
              ? { schedule: [plannerItem(definition.id, clock.now())] }
              : {}),
          });
        } catch (error) {
          // Someone published meanwhile (this journey: take the next number; any journey: the
          // shared input names moved): read again.
          if (isCxError(error, 'CONFLICT') && attempt < 10) continue;
          throw error;
        }
        const earlier = Array.from({ length: version - 1 }, (_, index) => index + 1);
        if (migrate === 'exit') {
          const exited = await exitVersions(storage, workspaceId, definition.id, earlier, () => clock.now());
          return { id: definition.id, version, exited };
        }
        if (typeof migrate === 'object') {
          const counts = await migrateVersions(deps, definition, version, earlier, migrate, () =>
            clock.now(),
          );
          return { id: definition.id, version, ...counts };
        }
        return { id: definition.id, version };
      }
    },

    async enter(journeyId, profileId, data = {}) {
      parseEnter(journeyId, profileId, data);
      const { version, definition } = await apiJourney(journeyId);
      for (let attempt = 0; ; attempt++) {
        const work = new JourneyWorkingSet(storage, workspaceId);
        const outcome = await admitEntry(deps, work, definition, version, { profileId, data }, clock.now());
        if ('refused' in outcome) return toEnterResult(outcome);
        try {
          await storage.commit(workspaceId, work.toCommit());
          return toEnterResult(outcome);
        } catch (error) {
          // Another writer changed the person's index: decide again from what is stored.
          if (!isCxError(error, 'CONFLICT') || attempt >= 10) throw error;
        }
      }
    },

    async enterMany(journeyId, entries) {
      const parsed = parseEnterMany(journeyId, entries);
      const { version, definition } = await apiJourney(journeyId);
      const work = new JourneyWorkingSet(storage, workspaceId);
      const outcomes = await admitEntries(deps, work, definition, version, parsed.entries, clock.now());
      try {
        await storage.commit(workspaceId, work.toCommit());
      } catch (error) {
        // Someone changed one of the people's indexes meanwhile, or the batch's work is more than
        // one commit takes (over 1,000 timers, messages and calls): decide each on its own.
        if (!isCxError(error, 'CONFLICT') && !isCxError(error, 'VALIDATION')) throw error;
        const one: EnterResult[] = [];
        for (const entry of parsed.entries)
          one.push(await journeys.enter(journeyId, entry.profileId, entry.data));
        return one;
      }
      return outcomes.map(toEnterResult);
    },

    async instance(id) {
      const stored = await storage.documents.get<StoredInstance>(
        workspaceId,
        JOURNEY_COLLECTIONS.instances,
        id,
      );
      return stored ? toInstance(stored.value) : null;
    },

    async instancesOf(profileId) {
      const index = await storage.documents.get<ProfileJourneys>(
        workspaceId,
        JOURNEY_COLLECTIONS.profiles,
        profileId,
      );
      const ids = Object.values(index?.value.journeys ?? {}).flatMap((journey) => journey.recent);
      if (ids.length === 0) return [];
      const stored = await storage.documents.getMany<StoredInstance>(
        workspaceId,
        JOURNEY_COLLECTIONS.instances,
        ids,
      );
      const byId = new Map(stored.map((document) => [document.key, document.value]));
      return ids.flatMap((id) => {
        const found = byId.get(id);
        return found ? [toInstance(found)] : [];
      });
    },

    async stats(journeyId, version) {
      const number = version ?? (await currentVersion(journeyId)).version;
      return journeyStats(storage, workspaceId, await definitions.version(journeyId, number), number);
    },

    async membersAt(journeyId, node, query = {}) {
      const number = query.version ?? (await currentVersion(journeyId)).version;
      return nodeMembers(storage, workspaceId, journeyId, number, node, query);
    },

    start() {
      consumer.start();
      timers.start();
      webhooks.start();
      planner.start();
      scheduledEntries.start();
    },

    async stop() {
      await Promise.all([
        consumer.stop(),
        timers.stop(),
        webhooks.stop(),
        planner.stop(),
        scheduledEntries.stop(),
      ]);
    },

    async drain() {
      // A timer's step writes events the consumer must read, an event's step sets timers that
      // may already be due, and either may schedule webhook calls (a call given up on records an
      // event), and a scheduled entry steps like an event: go round until all of them are idle.
      for (;;) {
        const applied = await consumer.drain();
        const ran = await timers.drain();
        const called = await webhooks.drain();
        const planned = await planner.drain();
        const entered = await scheduledEntries.drain();
        if (applied === 0 && ran === 0 && called === 0 && planned === 0 && entered === 0) return;
      }
    },
  };
  return journeys;
}

/** JSON with object keys sorted, so two equal definitions compare equal whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : inner,
  );
}
