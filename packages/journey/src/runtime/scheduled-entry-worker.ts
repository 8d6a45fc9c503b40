import { type ClaimedWork, createWorker, type Worker } from '@cx/core';
import type { JourneyDefinition } from '../definition/journey-types';
import { admitEntries, admitEntry } from './enter-many';
import type { ApiEntry } from './entry-inputs';
import { JourneyWorkingSet, SCHEDULED_ENTRY_QUEUE, type ScheduledEntryPayload } from './journey-store';
import { type SteppingWorkerOptions, stepAlone, steppingWorkerSettings } from './stepping-worker-options';

/** Options of {@link createScheduledEntryWorker}. */
export type ScheduledEntryWorkerOptions = SteppingWorkerOptions;

/** Entries claimed and admitted together in one commit. */
const ENTRY_BATCH = 200;

type Item = ClaimedWork<ScheduledEntryPayload>;

/** The current version of a journey, when people still enter it on a schedule. */
interface ScheduleTarget {
  definition: JourneyDefinition & { entry: { type: 'schedule' } };
  version: number;
}

/**
 * The worker of `journey.scheduled-entries`: admits each planned person into the current version
 * of the journey at their occurrence, as an API entry would be (re-entry rule, entry cap), steps
 * `{ type: 'enter' }` and commits the instance with the item's completion. Entry data:
 * `{ scheduledFor: <ISO time of the occurrence>, segmentId }`.
 *
 * Nobody enters when the journey's current version is no longer entered on a schedule. With
 * `segmentsOf`, a person who is not in the (current version's) segment at entry time is passed
 * over; without it, membership is as of planning (up to a day earlier), and an entry planned for
 * another segment than the current version's is passed over.
 *
 * Due entries are claimed up to 200 at a time and admitted as one batch, in one commit (indexes
 * and profiles read with one `getMany` each, as `enterMany`); when that commit is refused, each is
 * admitted again on its own.
 *
 * @example
 * ```ts
 * const entries = createScheduledEntryWorker({ storage, workspaceId: 'shop', channels, definitions, clock, onError });
 * await entries.drain();
 * ```
 */
export function createScheduledEntryWorker(options: ScheduledEntryWorkerOptions): Worker {
  const { storage, workspaceId, clock } = options;

  const target = async (journeyId: string): Promise<ScheduleTarget | null> => {
    const current = await options.definitions.currentOf(journeyId);
    if (current?.definition.entry.type !== 'schedule') return null;
    return { definition: current.definition as ScheduleTarget['definition'], version: current.version };
  };

  /** The entries of `items` whose people are still in the journey's segment. */
  const eligible = async (journey: ScheduleTarget, items: readonly Item[]): Promise<ApiEntry[]> => {
    const segment = journey.definition.entry.segment;
    const entries: ApiEntry[] = [];
    for (const item of items) {
      const { profileId, at } = item.payload;
      const member = options.segmentsOf
        ? new Set(await options.segmentsOf(profileId)).has(segment)
        : item.payload.segmentId === segment;
      if (member)
        entries.push({ profileId, data: { scheduledFor: new Date(at).toISOString(), segmentId: segment } });
    }
    return entries;
  };

  return createWorker<ScheduledEntryPayload>({
    // An entry whose lease was lost: its new holder admits it.
    ...steppingWorkerSettings(options, SCHEDULED_ENTRY_QUEUE, ENTRY_BATCH),
    batchHandler: async (items) => {
      const byJourney = new Map<string, Item[]>();
      for (const item of items) {
        const list = byJourney.get(item.payload.journeyId) ?? [];
        list.push(item);
        byJourney.set(item.payload.journeyId, list);
      }
      const work = new JourneyWorkingSet(storage, workspaceId);
      const now = clock.now();
      for (const [journeyId, list] of byJourney) {
        const journey = await target(journeyId);
        if (!journey) continue;
        const entries = await eligible(journey, list);
        await admitEntries(options, work, journey.definition, journey.version, entries, now);
      }
      return work.toCommit();
    },
    handler: (item, context) =>
      stepAlone(options, item, context, async (work) => {
        const journey = await target(item.payload.journeyId);
        if (!journey) return false;
        const [entry] = await eligible(journey, [item]);
        if (!entry) return false;
        const outcome = await admitEntry(
          options,
          work,
          journey.definition,
          journey.version,
          entry,
          clock.now(),
        );
        // Refused (re-entry rule, cap): the item completes with nothing entered.
        return 'admitted' in outcome;
      }),
  });
}
