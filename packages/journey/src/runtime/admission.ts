import { durationMs } from '../definition/duration';
import type { JourneyDefinition, ReentryRule } from '../definition/journey-types';
import { startInstance } from '../engine/start-instance';
import {
  type EntryCounts,
  instanceId,
  JOURNEY_COLLECTIONS,
  type JourneyWorkingSet,
  KEPT_INSTANCES,
  type ProfileJourney,
  type ProfileJourneys,
  type StoredInstance,
} from './journey-store';

/** Why an entry was refused. */
export type AdmissionRefusal =
  /** `once` and the person entered before, or `after-exit` and an instance is still running. */
  | 'reentry'
  /** The person's last instance ended less than `reentry.cooldown` ago. */
  | 'cooldown'
  /** `entryCap` reached for the day, week or journey. */
  | 'cap';

/** What {@link admit} decided. */
export type Admission = { admitted: StoredInstance } | { refused: AdmissionRefusal };

/** The re-entry rule of journeys that set none: enter again once the previous instance has ended. */
export const DEFAULT_REENTRY: ReentryRule = { mode: 'after-exit' };

const DAY_MS = 86_400_000;
/** 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday (UTC). */
const MONDAY_SHIFT_MS = 3 * DAY_MS;

const emptyProfileJourney = (): ProfileJourney => ({ entries: 0, active: [], lastExitAt: null, recent: [] });

function refusal(rule: ReentryRule, index: ProfileJourney, now: number): AdmissionRefusal | null {
  if (rule.mode === 'once' && index.entries > 0) return 'reentry';
  if (rule.mode === 'after-exit' && index.active.length > 0) return 'reentry';
  if (rule.cooldown && index.lastExitAt !== null && now < index.lastExitAt + durationMs(rule.cooldown))
    return 'cooldown';
  return null;
}

/** The counts with this entry added, or `null` when the cap is reached. */
function counted(
  definition: JourneyDefinition,
  current: EntryCounts | undefined,
  now: number,
): EntryCounts | null {
  const day = Math.floor(now / DAY_MS) * DAY_MS;
  const week = Math.floor((now + MONDAY_SHIFT_MS) / (7 * DAY_MS)) * 7 * DAY_MS - MONDAY_SHIFT_MS;
  const counts: EntryCounts = {
    total: current?.total ?? 0,
    day: current?.day.start === day ? current.day : { start: day, count: 0 },
    week: current?.week.start === week ? current.week : { start: week, count: 0 },
  };
  const cap = definition.entryCap;
  if (cap) {
    const used = cap.per === 'day' ? counts.day.count : cap.per === 'week' ? counts.week.count : counts.total;
    if (used >= cap.max) return null;
  }
  return {
    total: counts.total + 1,
    day: { start: day, count: counts.day.count + 1 },
    week: { start: week, count: counts.week.count + 1 },
  };
}

/**
 * Decides whether a person enters a journey now, by its re-entry rule and entry cap, and when they
 * do, writes the new instance (not yet stepped: the caller steps `{ type: 'enter' }`), the
 * profile's index and the journey's entry counts into `work`. Both documents are written with
 * the version they were read at, so two workers admitting the same person at once cannot both
 * commit: the loser re-reads and is refused by the rule. The counts document is only touched for
 * journeys with an `entryCap`, so uncapped journeys have no document every entry contends on.
 *
 * @example
 * ```ts
 * const decision = await admit(work, definition, 3, 'p1', { cartId: 'c1' }, now);
 * if ('admitted' in decision) await applyStep(deps, work, definition, decision.admitted, { type: 'enter' }, now);
 * ```
 */
export async function admit(
  work: JourneyWorkingSet,
  definition: JourneyDefinition,
  version: number,
  profileId: string,
  entry: Record<string, unknown>,
  now: number,
): Promise<Admission> {
  const indexDocument = (await work.get<ProfileJourneys>(JOURNEY_COLLECTIONS.profiles, profileId)) ?? {
    journeys: {},
  };
  const index = indexDocument.journeys[definition.id] ?? emptyProfileJourney();
  const refused = refusal(definition.reentry ?? DEFAULT_REENTRY, index, now);
  if (refused) return { refused };
  if (definition.entryCap) {
    const counts = counted(
      definition,
      await work.get<EntryCounts>(JOURNEY_COLLECTIONS.entryCounts, definition.id),
      now,
    );
    if (!counts) return { refused: 'cap' };
    work.set(JOURNEY_COLLECTIONS.entryCounts, definition.id, counts);
  }
  const id = instanceId(definition.id, version, profileId, index.entries + 1);
  const next: ProfileJourney = {
    entries: index.entries + 1,
    active: [...index.active, id],
    lastExitAt: index.lastExitAt,
    recent: [...index.recent, id].slice(-KEPT_INSTANCES),
  };
  work.set<ProfileJourneys>(JOURNEY_COLLECTIONS.profiles, profileId, {
    journeys: { ...indexDocument.journeys, [definition.id]: next },
  });
  const state = startInstance(definition, { id, version, profileId, entry, now });
  return { admitted: { state, events: 0, failures: [] } };
}

/**
 * Records in the profile's index that an instance ended: it leaves `active`, and `lastExitAt`
 * starts the cooldown.
 *
 * @example
 * ```ts
 * await recordEnded(work, state.profileId, state.journeyId, state.id, now);
 * ```
 */
export async function recordEnded(
  work: JourneyWorkingSet,
  profileId: string,
  journeyId: string,
  id: string,
  now: number,
): Promise<void> {
  const indexDocument = (await work.get<ProfileJourneys>(JOURNEY_COLLECTIONS.profiles, profileId)) ?? {
    journeys: {},
  };
  const index = indexDocument.journeys[journeyId] ?? emptyProfileJourney();
  work.set<ProfileJourneys>(JOURNEY_COLLECTIONS.profiles, profileId, {
    journeys: {
      ...indexDocument.journeys,
      [journeyId]: { ...index, active: index.active.filter((each) => each !== id), lastExitAt: now },
    },
  });
}
