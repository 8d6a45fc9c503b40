import {
  type CommitInput,
  type CxEvent,
  canonicalProfile,
  type Page,
  type ProfileRecord,
  type ProfileWrite,
  type PutDocumentInput,
  type ScheduleWorkInput,
  type Storage,
  type StoredDocument,
} from '@cx/core';
import type { JourneyDefinition } from '../definition/journey-types';
import type { InstanceState } from '../engine/step-types';

/** Where the runtime keeps its documents and its timers. */
export const JOURNEY_COLLECTIONS = {
  /** Immutable published versions, key `<id>@<version>`. */
  definitions: 'journey.definitions',
  /** The version new entries go into, key `<id>`. */
  current: 'journey.current',
  /** One document per instance, key the instance id (`<id>@<version>/<profile>/<n>`). */
  instances: 'journey.instances',
  /** Per profile: its entries and active instances of every journey (re-entry rules, routing). */
  profiles: 'journey.profiles',
  /** Per journey: entries counted for `entryCap`. */
  entryCounts: 'journey.entry-counts',
  /** One document (key {@link INPUT_NAMES_KEY}): the events any published version reacts to. */
  inputs: 'journey.inputs',
  /** Per schedule-entry journey, key `<id>`: how far ahead its entries are planned. */
  schedulePlans: 'journey.schedule-plans',
} as const;

/** The key of the one document of `journey.inputs`. */
export const INPUT_NAMES_KEY = 'names';

/** The event names every version ever published reacts to (only ever grows). */
export interface InputNames {
  names: string[];
}

/** The timer queue: one item per waiting instance, key the instance id. */
export const TIMER_QUEUE = 'journey.timers';

/**
 * The webhook queue: one item per call of a webhook node, key the webhook effect's key
 * (`<instance id>/<node>`, `#n` on later visits), scheduled in the step's commit.
 */
export const WEBHOOK_QUEUE = 'journey.webhooks';

/** A webhook item's payload: what the request needs, and who it is about. */
export interface WebhookPayload {
  url: string;
  /** The node's `body`, sent as the request body's `body`. */
  body: Record<string, unknown>;
  journeyId: string;
  version: number;
  instanceId: string;
  profileId: string;
  node: string;
}

/**
 * The planner queue of schedule-entry journeys: one item per journey, key the journey id,
 * scheduled (`replace`) by the `publish` commit and then by each planning round for the next one.
 */
export const SCHEDULE_QUEUE = 'journey.schedules';

/**
 * The entries of schedule-entry journeys: one item per person and occurrence, key
 * `<journey id>/<profile id>/<local date YYYY-MM-DD>`, due at the occurrence, scheduled with
 * `ifExists: 'keep'` so a person is planned once per local day however often planning runs.
 */
export const SCHEDULED_ENTRY_QUEUE = 'journey.scheduled-entries';

/** A scheduled entry's payload: who enters which journey, for which occurrence. */
export interface ScheduledEntryPayload {
  journeyId: string;
  profileId: string;
  /** The occurrence (epoch ms): the person's local `at` on that day. */
  at: number;
  /** The segment the person was planned as a member of. */
  segmentId: string;
}

/** How far the planner of a schedule-entry journey has planned (document of `journey.schedule-plans`). */
export interface SchedulePlan {
  /** Occurrences before this instant (epoch ms) are planned. */
  plannedUntil: number;
  /** The segment they were planned for: planning for another one starts again from now. */
  segment: string;
}

/** The event-log consumer's name (its checkpoint in `core.consumers`). */
export const EVENTS_CONSUMER = 'journey.events';

/** A published version, as stored. */
export interface StoredVersion {
  definition: JourneyDefinition;
  version: number;
  publishedAt: number;
}

/** The current-version pointer of a journey. */
export interface CurrentVersion {
  version: number;
}

/**
 * A message the runtime could not hand to the outbox (a template that failed to render), or a
 * webhook call that was given up on (an answer such as a `4xx`, or every attempt failed).
 */
export interface StepFailure {
  node: string;
  /** The send or webhook effect's key. */
  key: string;
  reason: string;
  at: number;
}

/** An instance document: the engine's state plus what the runtime keeps beside it. */
export interface StoredInstance {
  state: InstanceState;
  /** Journey events recorded so far: the next event's sequence, for deterministic message ids. */
  events: number;
  /** Messages that could not be made and webhook calls given up on, oldest first. */
  failures: StepFailure[];
}

/** One journey in a profile's index. */
export interface ProfileJourney {
  /** Entries so far: the last instance's sequence number. */
  entries: number;
  /** Instances not yet ended. */
  active: string[];
  /** When the last instance ended, or `null`. */
  lastExitAt: number | null;
  /** The most recent instance ids (at most {@link KEPT_INSTANCES}), for `instancesOf`. */
  recent: string[];
}

/** A profile's journey index document. */
export interface ProfileJourneys {
  journeys: Record<string, ProfileJourney>;
}

/** Entries counted for a journey's `entryCap`, per UTC day, per week (from Monday) and overall. */
export interface EntryCounts {
  total: number;
  day: { start: number; count: number };
  week: { start: number; count: number };
}

/** How many instance ids a profile's index keeps per journey for `instancesOf`. */
export const KEPT_INSTANCES = 50;

/** The id of a profile's `n`-th instance of a version; its prefix lists a version's instances. */
export const instanceId = (journeyId: string, version: number, profileId: string, n: number) =>
  `${journeyId}@${version}/${profileId}/${n}`;

/** The key prefix of a version's instances. */
export const versionPrefix = (journeyId: string, version: number) => `${journeyId}@${version}/`;

/** Where the working set keeps a document: collection and key. */
const address = (collection: string, key: string) => `${collection}\u0000${key}`;

interface Entry {
  collection: string;
  key: string;
  /** The stored version read (0: absent), checked by the commit. */
  version: number;
  value: unknown;
  dirty: boolean;
}

/**
 * The documents, timers, webhook calls, profile writes and events one commit will hold. Reads go through it so
 * every document written carries the version it was read at: a concurrent writer (another
 * worker, the API) makes the whole commit fail with `CONFLICT`, and the caller steps again from
 * what is stored (the step function is pure, so stepping again is safe).
 *
 * @example
 * ```ts
 * const work = new JourneyWorkingSet(storage, 'acme');
 * const stored = await work.get<StoredInstance>(JOURNEY_COLLECTIONS.instances, id);
 * work.set(JOURNEY_COLLECTIONS.instances, id, next);
 * await storage.commit('acme', work.toCommit());
 * ```
 */
export class JourneyWorkingSet {
  readonly #documents = new Map<string, Entry>();
  /** Profiles read so far, by the id asked for, merges followed (`null`: none). */
  readonly #profiles = new Map<string, ProfileRecord | null>();
  /** The last timer operation per instance: set (`at`, `node`) or cancel (`null`). */
  readonly timers = new Map<string, { at: number; node: string } | null>();
  readonly profiles: ProfileWrite[] = [];
  readonly events: CxEvent[] = [];
  /**
   * Webhook calls to schedule on {@link WEBHOOK_QUEUE}, by key, due at once. Scheduled with
   * `ifExists: 'keep'`: the commit that holds them is the step's, so a step that is not committed
   * schedules nothing and one committed calls once.
   */
  readonly webhooks = new Map<string, WebhookPayload>();
  /**
   * The outbox items of the messages the step sends (`channels.prepare`), committed with the step
   * (their records go in as new documents through {@link set}): a step that is not committed has
   * sent nothing.
   */
  readonly outbox: ScheduleWorkInput[] = [];

  constructor(
    readonly storage: Storage,
    readonly workspaceId: string,
  ) {}

  /** A document's value as this working set sees it (its own writes included), or `undefined`. */
  async get<T>(collection: string, key: string): Promise<T | undefined> {
    const entry =
      this.#documents.get(address(collection, key)) ??
      this.#remember(collection, key, await this.storage.documents.get<T>(this.workspaceId, collection, key));
    return entry.value as T | undefined;
  }

  /** Keeps what was read of a document (`null`: absent), with the version the commit will check. */
  #remember(collection: string, key: string, stored: StoredDocument | null | undefined): Entry {
    const entry = { collection, key, version: stored?.version ?? 0, value: stored?.value, dirty: false };
    this.#documents.set(address(collection, key), entry);
    return entry;
  }

  /**
   * Reads many documents of a collection in one round trip, so later {@link get}s of them cost
   * nothing: a batch of timers or a page of events reads its instances and indexes this way.
   */
  async preload(collection: string, keys: Iterable<string>): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !this.#documents.has(address(collection, key)));
    if (missing.length === 0) return;
    const found = await this.storage.documents.getMany(this.workspaceId, collection, missing);
    const byKey = new Map(found.map((document) => [document.key, document]));
    for (const key of missing) this.#remember(collection, key, byKey.get(key));
  }

  /**
   * The profile that holds a person now (merges followed, as `canonicalProfile`), or `null`; read
   * once per working set. Profiles are not part of the commit's version check: a step reads
   * traits, and writes them only as patches.
   */
  async profile(profileId: string): Promise<ProfileRecord | null> {
    if (!this.#profiles.has(profileId)) {
      this.#profiles.set(
        profileId,
        await canonicalProfile(this.storage.profiles, this.workspaceId, profileId),
      );
    }
    return this.#profiles.get(profileId) ?? null;
  }

  /**
   * Queues a trait patch for the commit and shows it to later steps of this working set, so a step
   * that branches on a trait an earlier step of the same batch set reads the new value, as it
   * would one commit later.
   */
  patchTraits(profileId: string, set: Record<string, unknown>): void {
    this.profiles.push({ op: 'patchTraits', profileId, set });
    for (const [asked, cached] of this.#profiles) {
      if (cached?.id === profileId)
        this.#profiles.set(asked, { ...cached, traits: { ...cached.traits, ...set } });
    }
  }

  /** Reads many profiles in one round trip for {@link profile}; merged ones are followed one by one. */
  async preloadProfiles(profileIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(profileIds)].filter((id) => !this.#profiles.has(id));
    if (missing.length === 0) return;
    const found = await this.storage.profiles.getMany(this.workspaceId, missing);
    const byId = new Map(found.map((profile) => [profile.id, profile]));
    for (const id of missing) {
      const profile = byId.get(id);
      if (profile?.mergedInto) continue; // left to `profile`, which follows the merge
      this.#profiles.set(id, profile ?? null);
    }
  }

  /** Writes a document read before with {@link get} (or new: then it must not exist yet). */
  set<T>(collection: string, key: string, value: T): void {
    const entry = this.#documents.get(address(collection, key)) ?? this.#remember(collection, key, null);
    entry.value = value;
    entry.dirty = true;
  }

  /** Everything gathered, as one commit. */
  toCommit(): CommitInput {
    const documents: PutDocumentInput[] = [];
    for (const entry of this.#documents.values()) {
      if (!entry.dirty) continue;
      documents.push({
        collection: entry.collection,
        key: entry.key,
        value: entry.value,
        expectedVersion: entry.version,
      });
    }
    const schedule: ScheduleWorkInput[] = [...this.timers]
      .filter((timer): timer is [string, { at: number; node: string }] => timer[1] !== null)
      .map(([key, timer]) => ({
        queue: TIMER_QUEUE,
        key,
        dueAt: timer.at,
        payload: timer,
        ifExists: 'replace' as const,
      }));
    const cancel = [...this.timers]
      .filter((timer) => timer[1] === null)
      .map(([key]) => ({ queue: TIMER_QUEUE, key }));
    for (const [key, payload] of this.webhooks)
      schedule.push({ queue: WEBHOOK_QUEUE, key, payload, ifExists: 'keep' });
    schedule.push(...this.outbox);
    return {
      documents,
      ...(schedule.length > 0 ? { schedule } : {}),
      ...(cancel.length > 0 ? { cancel } : {}),
      ...(this.profiles.length > 0 ? { profiles: this.profiles } : {}),
      ...(this.events.length > 0 ? { events: this.events } : {}),
    };
  }
}

/**
 * Every stored instance document of a version, a page at a time (keys start with the version's
 * prefix, so one prefix listing finds them).
 *
 * @example
 * ```ts
 * for await (const document of versionInstances(storage, 'acme', 'abandoned-cart', 1)) count += 1;
 * ```
 */
export async function* versionInstances(
  storage: Storage,
  workspaceId: string,
  journeyId: string,
  version: number,
): AsyncGenerator<StoredDocument<StoredInstance>> {
  let cursor: string | null = null;
  do {
    const page: Page<StoredDocument<StoredInstance>> = await storage.documents.list<StoredInstance>(
      workspaceId,
      JOURNEY_COLLECTIONS.instances,
      { prefix: versionPrefix(journeyId, version), limit: 500, cursor },
    );
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}
