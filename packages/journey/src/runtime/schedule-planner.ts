import { civilFromDays, DAY_MS, type LocalZone, weekdayOfDay } from '@cx/channels';
import {
  type ClaimedWork,
  type Clock,
  type CommitInput,
  ConfigError,
  canonicalProfile,
  createWorker,
  type EventBus,
  type IdleOptions,
  isCxError,
  type ProfileRecord,
  type ScheduleWorkInput,
  type Storage,
  ValidationError,
  type WorkContext,
  type Worker,
} from '@cx/core';
import type { JourneyDefinition, JourneyEntry } from '../definition/journey-types';
import { nextLocalTime, resolveZone } from '../engine/local-time-waits';
import {
  type CurrentVersion,
  JOURNEY_COLLECTIONS,
  SCHEDULE_QUEUE,
  SCHEDULED_ENTRY_QUEUE,
  type ScheduledEntryPayload,
  type SchedulePlan,
  type StoredVersion,
} from './journey-store';

/** A journey entry `every` day or week at a local time, for the members of a segment. */
export type ScheduleEntry = Extract<JourneyEntry, { type: 'schedule' }>;

/**
 * The profile ids in a segment now: an array, any iterable, a promise of one, or an async
 * iterable (a large segment streamed page by page).
 */
export type SegmentMembers = (
  segmentId: string,
) => AsyncIterable<string> | Iterable<string> | Promise<Iterable<string>>;

/** How often a schedule-entry journey is planned. */
export const PLAN_EVERY_MS = DAY_MS;

/**
 * How far ahead each planning round plans: two hours more than {@link PLAN_EVERY_MS}, so an
 * occurrence is planned at least two hours before it is due, and a round that runs up to two
 * hours late still starts where the previous one stopped.
 */
export const PLAN_AHEAD_MS = PLAN_EVERY_MS + 2 * 3_600_000;

/**
 * Members planned per commit: their profiles are read with one `getMany`, and their entries (at
 * most two each in a window shorter than two local days) stay under a commit's 1,000 items.
 */
const MEMBER_CHUNK = 400;

/** The longest work item key (as a document key). */
const MAX_KEY_LENGTH = 512;

/** Planning rounds tried before the item is dead-lettered: backing off up to an hour, about two days. */
const PLANNER_ATTEMPTS = 50;

/**
 * The weekdays (0 = Sunday) a schedule entry happens on, or `undefined` for every day: its
 * `weekdays` when it has some; else, `every: 'week'`, the weekday the version was published on
 * in the journey's `timezone` (UTC without one).
 *
 * @example
 * ```ts
 * // Published on Monday 2 March 2026, 10:00 in Ho Chi Minh City:
 * scheduleWeekdays({ type: 'schedule', every: 'week', at: '09:00', segment: 'vip' },
 *   Date.parse('2026-03-02T03:00:00Z'), 'Asia/Ho_Chi_Minh'); // [1]
 * ```
 */
export function scheduleWeekdays(
  entry: ScheduleEntry,
  publishedAt: number,
  timezone: string | undefined,
): number[] | undefined {
  if (entry.weekdays && entry.weekdays.length > 0) return entry.weekdays;
  if (entry.every === 'day') return undefined;
  const zone = resolveZone(timezone ?? 'UTC');
  return [weekdayOfDay(Math.floor(zone.wallAt(publishedAt) / DAY_MS))];
}

/**
 * The occurrences of a schedule in one person's zone in `[from, until)`: each allowed day's local
 * `at`, as `nextLocalTime` finds it (a time skipped by a DST jump happens at the jump's end, one
 * repeated happens the first time only).
 *
 * @example
 * ```ts
 * scheduleOccurrences('09:00', undefined, localZone('Asia/Ho_Chi_Minh')!,
 *   Date.parse('2026-03-02T03:00:00Z'), Date.parse('2026-03-03T05:00:00Z'));
 * // [Date.parse('2026-03-03T02:00:00Z')]
 * ```
 */
export function scheduleOccurrences(
  at: string,
  weekdays: readonly number[] | undefined,
  zone: LocalZone,
  from: number,
  until: number,
): number[] {
  const found: number[] = [];
  for (let next = nextLocalTime(from, at, weekdays, zone); next < until; ) {
    found.push(next);
    next = nextLocalTime(next + 1, at, weekdays, zone);
  }
  return found;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The local date (`YYYY-MM-DD`) of an instant in a zone.
 *
 * @example
 * ```ts
 * localDate(localZone('America/New_York')!, Date.parse('2026-03-03T02:00:00Z')); // '2026-03-02'
 * ```
 */
export function localDate(zone: LocalZone, instant: number): string {
  const { year, month, day } = civilFromDays(Math.floor(zone.wallAt(instant) / DAY_MS));
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/**
 * The key of a person's entry on one local day: at most one per journey, person and day.
 *
 * @example
 * ```ts
 * scheduledEntryKey('digest', 'lan', '2026-03-03'); // 'digest/lan/2026-03-03'
 * ```
 */
export const scheduledEntryKey = (journeyId: string, profileId: string, date: string) =>
  `${journeyId}/${profileId}/${date}`;

/** Options of {@link createSchedulePlanner}. */
export interface SchedulePlannerOptions {
  storage: Storage;
  workspaceId: string;
  clock: Clock;
  segmentMembers?: SegmentMembers | undefined;
  leaseMs?: number;
  bus?: EventBus;
  idle?: IdleOptions;
  onError: (error: unknown) => void;
}

/**
 * The planner item a `publish` of a schedule-entry journey puts in its commit: due now, replacing
 * any round already waiting, so the new version is planned at once.
 *
 * @example
 * ```ts
 * await storage.commit('shop', { documents, schedule: [plannerItem('digest', clock.now())] });
 * ```
 */
export function plannerItem(journeyId: string, now: number): ScheduleWorkInput {
  return { queue: SCHEDULE_QUEUE, key: journeyId, dueAt: now, payload: {}, ifExists: 'replace' };
}

/**
 * The worker of `journey.schedules`: plans the entries of schedule-entry journeys a day ahead.
 *
 * Each round reads the journey's current version (a version whose entry is no longer a schedule
 * ends the rounds), lists the segment's members through `segmentMembers`, reads their profiles
 * 400 at a time with `getMany` (zone: the `timezone` trait, else the journey's `timezone`, else
 * UTC, as steps pick it), and schedules one item of `journey.scheduled-entries` per person and
 * occurrence in `[from, now + 26 h)`, due then, with key `<journey>/<person>/<local date>` and
 * `ifExists: 'keep'`. `from` is where the previous round stopped (the `journey.schedule-plans`
 * document), or now: rounds 24 h apart cover time end to end, each occurrence is planned at least
 * two hours ahead, and the key keeps a person to one entry a local day even when a round plans a
 * time again (publishing again, a round run twice). Windows are absolute time and occurrences are
 * found in each person's zone, so 23 and 25 hour days (DST) are neither skipped nor doubled.
 *
 * Each chunk's entries are one commit; the last holds the plan document, the next round (due in
 * 24 h) and the item's completion. A crash midway leaves the item claimed: it is planned again
 * from the start when its lease ends, and the keys make that schedule nothing twice. Rounds that
 * fail (a `segmentMembers` that throws, none configured) are reported to `onError` and tried
 * again with back-off.
 *
 * @example
 * ```ts
 * const planner = createSchedulePlanner({ storage, workspaceId: 'shop', clock, onError,
 *   segmentMembers: (segment) => membersAt(storage, 'shop', segment, Date.now()) });
 * await planner.drain();
 * ```
 */
export function createSchedulePlanner(options: SchedulePlannerOptions): Worker {
  const { storage, workspaceId, clock } = options;

  const planChunk = async (
    journeyId: string,
    definition: JourneyDefinition,
    entry: ScheduleEntry,
    weekdays: number[] | undefined,
    people: readonly string[],
    window: { from: number; until: number },
    skipped: string[],
  ): Promise<ScheduleWorkInput<ScheduledEntryPayload>[]> => {
    const found = await storage.profiles.getMany(workspaceId, people);
    const byId = new Map(found.map((profile) => [profile.id, profile]));
    const items = new Map<string, ScheduleWorkInput<ScheduledEntryPayload>>();
    for (const profileId of people) {
      // An id too long for a key (it could not have an instance either) must not fail everyone's commit.
      if (scheduledEntryKey(journeyId, profileId, '0000-00-00').length > MAX_KEY_LENGTH) {
        skipped.push(profileId);
        continue;
      }
      let profile: ProfileRecord | null = byId.get(profileId) ?? null;
      if (profile?.mergedInto) profile = await canonicalProfile(storage.profiles, workspaceId, profileId);
      const timezone = profile?.traits.timezone;
      const zone = resolveZone(
        typeof timezone === 'string' && timezone !== '' ? timezone : (definition.timezone ?? 'UTC'),
        definition.timezone,
      );
      for (const at of scheduleOccurrences(entry.at, weekdays, zone, window.from, window.until)) {
        const key = scheduledEntryKey(journeyId, profileId, localDate(zone, at));
        items.set(key, {
          queue: SCHEDULED_ENTRY_QUEUE,
          key,
          dueAt: at,
          payload: { journeyId, profileId, at, segmentId: entry.segment },
          ifExists: 'keep',
        });
      }
    }
    return [...items.values()];
  };

  const plan = async (item: ClaimedWork, context: WorkContext): Promise<CommitInput | undefined> => {
    const journeyId = item.key;
    const current = await storage.documents.get<CurrentVersion>(
      workspaceId,
      JOURNEY_COLLECTIONS.current,
      journeyId,
    );
    if (!current) return undefined;
    const stored = await storage.documents.get<StoredVersion>(
      workspaceId,
      JOURNEY_COLLECTIONS.definitions,
      `${journeyId}@${current.value.version}`,
    );
    const definition = stored?.value.definition;
    // The journey is no longer entered on a schedule: the rounds end (a later schedule version
    // starts them again from its publish).
    if (!stored || definition?.entry.type !== 'schedule') return undefined;
    const entry = definition.entry;
    if (!options.segmentMembers)
      throw new ConfigError(
        `journey ${journeyId} is entered on a schedule: createJourneys needs segmentMembers to plan it`,
      );
    const planned = await storage.documents.get<SchedulePlan>(
      workspaceId,
      JOURNEY_COLLECTIONS.schedulePlans,
      journeyId,
    );
    const now = clock.now();
    const until = now + PLAN_AHEAD_MS;
    // Where the previous round stopped, unless it planned another segment: its members are
    // planned from now. Time the runtime was down for is not planned late.
    const from =
      planned && planned.value.segment === entry.segment ? Math.max(now, planned.value.plannedUntil) : now;
    const window = { from, until };
    const weekdays = scheduleWeekdays(entry, stored.value.publishedAt, definition.timezone);

    let chunk: string[] = [];
    const skipped: string[] = [];
    const members = await options.segmentMembers(entry.segment);
    for await (const profileId of members) {
      chunk.push(profileId);
      if (chunk.length < MEMBER_CHUNK) continue;
      const items = await planChunk(journeyId, definition, entry, weekdays, chunk, window, skipped);
      chunk = [];
      if (items.length === 0) continue;
      // Still ours? A round taken over (a lease lost, a new publish) stops here.
      await context.extend(options.leaseMs ?? 30_000);
      await storage.commit(workspaceId, { schedule: items });
    }
    const last = await planChunk(journeyId, definition, entry, weekdays, chunk, window, skipped);
    if (skipped.length > 0)
      options.onError(
        new ValidationError(
          `journey ${journeyId}: ${skipped.length} member id(s) of segment ${entry.segment} too long to enter, passed over`,
          skipped
            .slice(0, 10)
            .map((id) => ({ path: 'profileId', message: `too long: ${id.slice(0, 64)}…`, code: 'too_big' })),
        ),
      );
    return {
      schedule: [
        ...last,
        // The next round: the item is completed first in the same commit, so its key is free.
        {
          queue: SCHEDULE_QUEUE,
          key: journeyId,
          dueAt: now + PLAN_EVERY_MS,
          payload: {},
          ifExists: 'replace',
        },
      ],
      documents: [
        {
          collection: JOURNEY_COLLECTIONS.schedulePlans,
          key: journeyId,
          value: {
            plannedUntil: Math.max(until, from),
            segment: entry.segment,
          } satisfies SchedulePlan,
          expectedVersion: planned?.version ?? 0,
        },
      ],
    };
  };

  return createWorker({
    storage,
    workspaceId,
    queue: SCHEDULE_QUEUE,
    clock,
    batchSize: 4,
    concurrency: 2,
    maxAttempts: PLANNER_ATTEMPTS,
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.idle ? { idle: options.idle } : {}),
    onError: (error) => {
      // A round whose lease was lost or that a publish replaced: its new holder plans.
      if (!isCxError(error, 'CONFLICT')) options.onError(error);
    },
    handler: async (item, context) => {
      try {
        return await plan(item, context);
      } catch (error) {
        // A failed round is retried by the worker, which records the error only on the item:
        // report it, so a journey that is never planned does not go unnoticed.
        if (!isCxError(error, 'CONFLICT')) options.onError(error);
        throw error;
      }
    },
  });
}
