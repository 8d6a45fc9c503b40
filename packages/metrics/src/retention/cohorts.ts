import { type CxEvent, parseOrThrow } from '@cx/core';
import { z } from 'zod';
import { personKeySchema, personOf } from '../events/person-key';
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
  personKey: personKeySchema.default('profile'),
});
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

/**
 * A cohort retention table from events: cohorts by first (or every) start event per UTC day,
 * ISO week or month, and for each later period the share of the cohort that came back in that
 * period (`on`) or in that period or later (`on-or-after`). Periods after the last event seen are
 * not counted in `average`.
 *
 * @example
 * ```ts
 * const table = cohortRetention(events, { startEvent: 'Signed Up', returnEvent: 'Order Completed', bucket: 'month' });
 * ```
 */
export function cohortRetention(
  events: Iterable<CxEvent>,
  definition: RetentionDefinition = {},
): RetentionTable {
  const def = parseOrThrow(retentionSchema, definition, 'retention');
  const starts = new Map<string, Set<number>>();
  const returns = new Map<string, Set<number>>();
  let lastSeen = Number.NEGATIVE_INFINITY;
  const add = (map: Map<string, Set<number>>, person: string, bucket: number) => {
    let set = map.get(person);
    if (set === undefined) {
      set = new Set();
      map.set(person, set);
    }
    set.add(bucket);
  };
  for (const event of events) {
    if (event.type !== 'track' && event.type !== 'page' && event.type !== 'screen') continue;
    const name = event.type === 'track' ? event.event : null;
    const ts = Date.parse(event.timestamp);
    const bucket = bucketStart(ts, def.bucket);
    if (bucket > lastSeen) lastSeen = bucket;
    const person = personOf(event, def.personKey);
    if (def.startEvent === undefined || name === def.startEvent) add(starts, person, bucket);
    if (def.returnEvent === undefined || name === def.returnEvent) add(returns, person, bucket);
  }
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
