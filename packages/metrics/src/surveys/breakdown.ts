import { parseOrThrow, type Storage, type Traits, ValidationError } from '@cx/core';
import { z } from 'zod';
import { propertyPathSchema, readPath } from '../events/property-path';
import { bucketLabel, bucketStart, timeBucketSchema } from '../stats/time-buckets';
import type { ScoreComparison } from './intervals';
import type { SurveyResponse } from './responses';
import {
  compareSurveyMetric,
  computeSurveyMetric,
  type SurveyMetric,
  type SurveyScore,
  surveyMetricSchema,
} from './survey-metric';

/**
 * One way to split answers. Serialisable, so a dashboard can store it:
 * - `property`: an event property (`touchpoint`, `channel`, `product`, `department`, any other);
 * - `context`: a path in the event context (`location.country` for geography);
 * - `trait`: a profile trait (needs `traits` in the breakdown context);
 * - `time`: a UTC day, ISO week or month;
 * - `external`: a value supplied by a resolver you pass in. Segment membership plugs in here:
 *   `{ kind: 'external', name: 'segment' }` with a resolver returning the segments a response's
 *   profile belonged to; a resolver may return several values, and the answer counts in each.
 */
export const dimensionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('property'), name: propertyPathSchema }),
  z.object({ kind: z.literal('context'), path: propertyPathSchema }),
  z.object({ kind: z.literal('trait'), name: propertyPathSchema }),
  z.object({ kind: z.literal('time'), bucket: timeBucketSchema }),
  z.object({ kind: z.literal('external'), name: z.string().min(1).max(128) }),
]);
/** See {@link dimensionSchema}. */
export type Dimension = z.output<typeof dimensionSchema>;

/** The dimensions the brief names, ready to use. */
export const dimensions = {
  touchpoint: { kind: 'property', name: 'touchpoint' },
  channel: { kind: 'property', name: 'channel' },
  product: { kind: 'property', name: 'product' },
  department: { kind: 'property', name: 'department' },
  geography: { kind: 'context', path: 'location.country' },
  day: { kind: 'time', bucket: 'day' },
  week: { kind: 'time', bucket: 'week' },
  month: { kind: 'time', bucket: 'month' },
  segment: { kind: 'external', name: 'segment' },
} as const satisfies Record<string, Dimension>;

/** A stored breakdown: which score, split how. */
export const surveyBreakdownSchema = z.object({
  metric: surveyMetricSchema,
  dimensions: z.array(dimensionSchema).max(4).default([]),
  level: z.number().min(0.5).max(0.999).default(0.95),
});
/** See {@link surveyBreakdownSchema}. */
export type SurveyBreakdownDefinition = z.input<typeof surveyBreakdownSchema>;

/** Supplies values the answers do not carry themselves. */
export interface BreakdownContext {
  /** Traits of a response's profile, for `trait` dimensions (see {@link loadProfileTraits}). */
  traits?: ReadonlyMap<string, Traits>;
  /** Values of `external` dimensions by name, such as the segments a profile was in. */
  resolvers?: Readonly<Record<string, (response: SurveyResponse) => string | readonly string[] | null>>;
}

/** The value used for answers that have no value for a dimension. */
export const NONE = '(none)';

/** One cell of a breakdown. */
export interface BreakdownRow {
  /** The dimension values, in the order of `dimensions`. */
  key: string[];
  result: SurveyScore;
}

/** A survey score split by dimensions, with the overall score. */
export interface SurveyBreakdown {
  metric: SurveyMetric;
  dimensions: Dimension[];
  overall: SurveyScore;
  /** Cells with at least one answer, sorted by key. */
  rows: BreakdownRow[];
}

function valuesOf(
  response: SurveyResponse,
  dimension: Dimension,
  context: BreakdownContext,
): readonly string[] {
  switch (dimension.kind) {
    case 'property':
      return [asKey(readPath(response.properties, dimension.name))];
    case 'context':
      return [asKey(readPath(response.context, dimension.path))];
    case 'trait': {
      const traits = response.profileId === null ? undefined : context.traits?.get(response.profileId);
      return [asKey(readPath(traits, dimension.name))];
    }
    case 'time':
      return [bucketLabel(bucketStart(response.timestamp, dimension.bucket))];
    case 'external': {
      const resolver = context.resolvers?.[dimension.name];
      if (resolver === undefined) {
        throw new ValidationError(`No resolver for external dimension "${dimension.name}"`, [
          { path: 'dimensions', message: `Pass resolvers.${dimension.name}`, code: 'missing_resolver' },
        ]);
      }
      const value = resolver(response);
      if (value === null) return [NONE];
      return typeof value === 'string' ? [value] : value.length === 0 ? [NONE] : value;
    }
  }
}

const asKey = (value: unknown): string =>
  value === undefined || value === null ? NONE : typeof value === 'string' ? value : JSON.stringify(value);

function cellsOf(
  response: SurveyResponse,
  dims: readonly Dimension[],
  context: BreakdownContext,
): string[][] {
  let keys: string[][] = [[]];
  for (const dimension of dims) {
    const values = valuesOf(response, dimension, context);
    const next: string[][] = [];
    for (const key of keys) for (const value of values) next.push([...key, value]);
    keys = next;
  }
  return keys;
}

/**
 * Splits survey answers by one or more dimensions and scores each cell (with its interval), plus
 * the overall score. Every answer must be on the metric's scale (`ValidationError` otherwise).
 *
 * @example
 * ```ts
 * import { breakdownSurvey, dimensions } from '@cx/metrics';
 * const byTouchpoint = breakdownSurvey(responses, {
 *   metric: { kind: 'nps' },
 *   dimensions: [dimensions.touchpoint, dimensions.month],
 * });
 * ```
 */
export function breakdownSurvey(
  responses: readonly SurveyResponse[],
  definition: SurveyBreakdownDefinition,
  context: BreakdownContext = {},
): SurveyBreakdown {
  const def = parseOrThrow(surveyBreakdownSchema, definition, 'survey breakdown');
  const groups = new Map<string, { key: string[]; scores: number[] }>();
  const all = new Array<number>(responses.length);
  for (let index = 0; index < responses.length; index++) {
    const response = responses[index]!;
    all[index] = response.score;
    for (const key of cellsOf(response, def.dimensions, context)) {
      const id = JSON.stringify(key);
      let group = groups.get(id);
      if (group === undefined) {
        group = { key, scores: [] };
        groups.set(id, group);
      }
      group.scores.push(response.score);
    }
  }
  const rows = [...groups.values()]
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((group) => ({ key: group.key, result: computeSurveyMetric(def.metric, group.scores, def.level) }));
  return {
    metric: def.metric,
    dimensions: def.dimensions,
    overall: computeSurveyMetric(def.metric, all, def.level),
    rows,
  };
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

/** A survey score per time bucket, with the change from the bucket before. */
export interface TrendPoint {
  /** The bucket start, `YYYY-MM-DD` (UTC). */
  bucket: string;
  result: SurveyScore;
  /** The test against the previous non-empty bucket; `null` for the first. */
  change: ScoreComparison | null;
}

/** Options of {@link surveyTrend}. */
export const surveyTrendSchema = z.object({
  metric: surveyMetricSchema,
  bucket: timeBucketSchema,
  level: z.number().min(0.5).max(0.999).default(0.95),
});

/**
 * A survey score over time: one point per UTC day, week or month that has answers, each with the
 * significance test of its change from the previous point.
 *
 * @example
 * ```ts
 * const trend = surveyTrend(responses, { metric: { kind: 'nps' }, bucket: 'month' });
 * for (const point of trend) console.log(point.bucket, point.result, point.change?.significant);
 * ```
 */
export function surveyTrend(
  responses: readonly SurveyResponse[],
  options: z.input<typeof surveyTrendSchema>,
): TrendPoint[] {
  const def = parseOrThrow(surveyTrendSchema, options, 'survey trend');
  const byBucket = new Map<number, number[]>();
  for (const response of responses) {
    const start = bucketStart(response.timestamp, def.bucket);
    let scores = byBucket.get(start);
    if (scores === undefined) {
      scores = [];
      byBucket.set(start, scores);
    }
    scores.push(response.score);
  }
  const starts = [...byBucket.keys()].sort((a, b) => a - b);
  return starts.map((start, index) => {
    const scores = byBucket.get(start)!;
    const previous = index === 0 ? undefined : byBucket.get(starts[index - 1]!)!;
    return {
      bucket: bucketLabel(start),
      result: computeSurveyMetric(def.metric, scores, def.level),
      change: previous === undefined ? null : compareSurveyMetric(def.metric, previous, scores, def.level),
    };
  });
}

/**
 * Loads the traits of the profiles behind some answers through `storage.profiles`, following
 * merges to the surviving profile, so `trait` dimensions see the current single customer view.
 */
export async function loadProfileTraits(
  storage: Storage,
  workspaceId: string,
  profileIds: Iterable<string>,
): Promise<Map<string, Traits>> {
  const traits = new Map<string, Traits>();
  for (const id of new Set(profileIds)) {
    let profile = await storage.profiles.get(workspaceId, id);
    // Merge chains are short; the bound only guards against a corrupt cycle.
    for (let hops = 0; profile?.mergedInto && hops < 32; hops++) {
      profile = await storage.profiles.get(workspaceId, profile.mergedInto);
    }
    if (profile !== null) traits.set(id, profile.traits);
  }
  return traits;
}
