import { type CxEvent, parseOrThrow, type Storage } from '@cx/core';
import { z } from 'zod';
import { type CanonicalProfiles, personKeySchema, personOf } from '../events/person-key';
import { createProfileResolver } from '../events/profile-resolver';
import { scanEventPages } from '../events/read-events';
import { bucketLabel, bucketStart, bucketsBetween, timeBucketSchema } from '../stats/time-buckets';

/** A stored retention definition. */
export const retentionSchema = z.object({
  /** The `track` event that puts a person in a cohort; any track, page or screen event when omitted. */
  startEvent: z.string().min(1).optional(),
  /** The `track` event that counts as coming back; any behavioural event when omitted. */
  returnEvent: z.string().min(1).optional(),
  bucket: timeBucketSchema.default('week'),
  /**
   * `first-time`: a person's cohort is the period of their first start event.
   * `recurring`: every period with a start event is a cohort entry of its own.
   */
  cohort: z.enum(['first-time', 'recurring']).default('first-time'),
  /** `on`: came back in exactly period k. `on-or-after`: in period k or any later one (unbounded retention). */
  measure: z.enum(['on', 'on-or-after']).default('on'),
  /** How many periods after the cohort's to report. */
  periods: z.number().int().positive().max(400).default(8),
  /** Who is one person (see `personKeySchema`); default `canonical`, merged profiles counted once. */
  personKey: personKeySchema.default('canonical'),
});
type ParsedRetention = z.output<typeof retentionSchema>;
/** See {@link retentionSchema}. */
export type RetentionDefinition = z.input<typeof retentionSchema>;

/** One cohort's row. */
export interface CohortRow {
  /** Start of the cohort's period, `YYYY-MM-DD`. */
  cohort: string;
  size: number;
  /** People retained in periods 0 … periods (period 0 is the cohort itself). */
  retained: number[];
  /** retained ÷ size. */
  rates: number[];
}

/** A cohort retention table. */
export interface RetentionTable {
  bucket: 'day' | 'week' | 'month';
  rows: CohortRow[];
  /** Size-weighted average rate per period, over cohorts old enough to have reached it. */
  average: (number | null)[];
}

/** Per person, the periods with a start and with a return event, and the last period seen. */
class RetentionActivity {
  readonly starts = new Map<string, Set<number>>();
  readonly returns = new Map<string, Set<number>>();
  lastSeen = Number.NEGATIVE_INFINITY;

  constructor(private readonly def: ParsedRetention) {}

  add(event: CxEvent, profiles: CanonicalProfiles | undefined): void {
    if (event.type !== 'track' && event.type !== 'page' && event.type !== 'screen') return;
    const { def } = this;
    const name = event.type === 'track' ? event.event : null;
    const bucket = bucketStart(Date.parse(event.timestamp), def.bucket);
    if (bucket > this.lastSeen) this.lastSeen = bucket;
    const person = personOf(event, def.personKey, profiles);
    if (def.startEvent === undefined || name === def.startEvent) mark(this.starts, person, bucket);
    if (def.returnEvent === undefined || name === def.returnEvent) mark(this.returns, person, bucket);
  }
}

function mark(map: Map<string, Set<number>>, person: string, bucket: number): void {
  let set = map.get(person);
  if (set === undefined) {
    set = new Set();
    map.set(person, set);
  }
  set.add(bucket);
}

/**
 * A cohort retention table from events: cohorts by first (or every) start event per UTC day,
 * ISO week or month, and for each later period the share of the cohort that came back in that
 * period (`on`) or in that period or later (`on-or-after`). Periods after the last event seen are
 * not counted in `average`. `profiles` resolves merged profiles for the `canonical` key (load its
 * ids first when it is a `ProfileResolver`); without it merges are unknown and `canonical` counts
 * like `profile`. {@link readCohortRetention} reads and resolves from storage.
 *
 * @example
 * ```ts
 * const table = cohortRetention(events, { startEvent: 'Signed Up', returnEvent: 'Order Completed', bucket: 'month' });
 * ```
 */
export function cohortRetention(
  events: Iterable<CxEvent>,
  definition: RetentionDefinition = {},
  profiles?: CanonicalProfiles,
): RetentionTable {
  const def = parseOrThrow(retentionSchema, definition, 'retention');
  const activity = new RetentionActivity(def);
  for (const event of events) activity.add(event, profiles);
  return retentionTable(def, activity);
}

/**
 * {@link cohortRetention} over a workspace's stored events, read through `storage.events.scan`;
 * under the `canonical` key (the default) each page's profiles are resolved through
 * `storage.profiles` (batched and cached, see `ProfileResolver`), so a person who signed up on one
 * profile and came back on a profile merged with it is retained, once.
 *
 * @example
 * ```ts
 * const table = await readCohortRetention(storage, 'acme', { startEvent: 'Signed Up', bucket: 'month' });
 * ```
 */
export async function readCohortRetention(
  storage: Storage,
  workspaceId: string,
  definition: RetentionDefinition = {},
): Promise<RetentionTable> {
  const def = parseOrThrow(retentionSchema, definition, 'retention');
  const profiles = def.personKey === 'canonical' ? createProfileResolver(storage, workspaceId) : undefined;
  const activity = new RetentionActivity(def);
  for await (const page of scanEventPages(storage, workspaceId, { types: ['track', 'page', 'screen'] })) {
    await profiles?.load(page.map((event) => event.profileId));
    for (const event of page) activity.add(event, profiles);
  }
  return retentionTable(def, activity);
}

function retentionTable(def: ParsedRetention, activity: RetentionActivity): RetentionTable {
  const { starts, returns, lastSeen } = activity;
  const cohorts = new Map<number, { size: number; retained: number[] }>();
  for (const [person, periods] of starts) {
    const entries = def.cohort === 'first-time' ? [Math.min(...periods)] : [...periods];
    const back = [...(returns.get(person) ?? [])];
    for (const start of entries) {
      let cohort = cohorts.get(start);
      if (cohort === undefined) {
        cohort = { size: 0, retained: new Array<number>(def.periods + 1).fill(0) };
        cohorts.set(start, cohort);
      }
      cohort.size++;
      cohort.retained[0]!++;
      const offsets = new Set<number>();
      for (const period of back) {
        if (period <= start) continue;
        offsets.add(bucketsBetween(start, period, def.bucket));
      }
      if (def.measure === 'on') {
        for (const k of offsets) if (k <= def.periods) cohort.retained[k]!++;
      } else {
        const furthest = Math.max(0, ...offsets);
        for (let k = 1; k <= Math.min(furthest, def.periods); k++) cohort.retained[k]!++;
      }
    }
  }
  const ordered = [...cohorts.entries()].sort((a, b) => a[0] - b[0]);
  const rows = ordered.map(([start, cohort]) => ({
    cohort: bucketLabel(start),
    size: cohort.size,
    retained: cohort.retained,
    rates: cohort.retained.map((count) => count / cohort.size),
  }));
  const average = Array.from({ length: def.periods + 1 }, (_, k) => {
    let people = 0;
    let kept = 0;
    for (const [start, cohort] of ordered) {
      if (bucketsBetween(start, lastSeen, def.bucket) < k) continue;
      people += cohort.size;
      kept += cohort.retained[k]!;
    }
    return people === 0 ? null : kept / people;
  });
  return { bucket: def.bucket, rows, average };
}
