import { parseOrThrow } from '@cx/core';
import { z } from 'zod';
import { createQuantileSketch, type QuantileSketchOptions, quantileSketchOptionsSchema } from './kll-sketch';
import { type QuintileCuts, quintileCuts, quintileOf, type RfmScore } from './quintiles';
import { DEFAULT_RFM_SEGMENTS, fmScore, type RfmSegmentsConfig, rfmSegmenter } from './rfm-segments';

/** One profile's raw RFM measures as of some time. */
export interface RfmMeasures {
  /** The (surviving) profile measured. */
  profileId: string;
  /** Whole days from the last purchase to the as-of time (0: bought that day). */
  recencyDays: number;
  /** Number of purchases. */
  frequency: number;
  /** Total (or average) revenue. */
  monetary: number;
}

/** The quintile cut points of each measure (the values of the 20th, 40th, 60th and 80th percentiles). */
export interface RfmCutPoints {
  /** In days since the last purchase; fewer days is better, so R = 6 − quintile. */
  recencyDays: QuintileCuts;
  /** In orders. */
  frequency: QuintileCuts;
  /** In revenue. */
  monetary: QuintileCuts;
}

/** One profile's measures, scores and segment. */
export interface RfmProfileScores extends RfmMeasures {
  /** Recency score: 5 for the most recent fifth. */
  r: RfmScore;
  /** Frequency score: 5 for the most frequent fifth. */
  f: RfmScore;
  /** Monetary score: 5 for the highest-spending fifth. */
  m: RfmScore;
  /** Mean of `f` and `m` rounded half up, the FM axis of the segment grid. */
  fm: RfmScore;
  /** The named segment of (`r`, `f`, `m`). */
  segment: string;
}

/** How many profiles have each score, index 0 for score 1 up to index 4 for score 5. */
export type ScoreHistogram = [number, number, number, number, number];

/** The outcome of {@link scoreRfm}. */
export interface RfmScoring {
  /** Number of profiles scored. */
  population: number;
  /** True when the cut points are exact quantiles (the population fit under the sketch's `exactLimit`). */
  exact: boolean;
  /** The quintile cut points used. */
  cutPoints: RfmCutPoints;
  /** Profiles per segment name, every segment of the config listed (zero included). */
  segmentCounts: Record<string, number>;
  /** Profiles per score of each dimension. */
  scoreCounts: { r: ScoreHistogram; f: ScoreHistogram; m: ScoreHistogram };
  /** Every profile, in input order. */
  profiles: RfmProfileScores[];
}

/** Options of {@link scoreRfm}. */
export interface ScoreRfmOptions {
  /** Named segments; default {@link DEFAULT_RFM_SEGMENTS}. */
  segments?: RfmSegmentsConfig;
  /** Sketch settings for the cut points. */
  sketch?: QuantileSketchOptions;
}

const finite = z.number().refine(Number.isFinite, 'Expected a finite number');
const measuresSchema = z.array(
  z.object({
    profileId: z.string().min(1),
    recencyDays: finite.refine((v) => v >= 0, 'Recency cannot be negative'),
    frequency: z.number().int().min(1),
    monetary: finite,
  }),
);
const optionsSchema = z
  .object({ segments: z.unknown().optional(), sketch: quantileSketchOptionsSchema.optional() })
  .strict();

/**
 * Scores profiles 1–5 on recency, frequency and monetary value by quintiles of the population,
 * and names each one's segment.
 *
 * - Cut points are lower quantiles (cut j is the smallest value with at least ceil(j·n/5)
 *   values at or below it), exact below the sketch's
 *   `exactLimit` (default 100,000 profiles) and from a KLL sketch above it.
 * - Ties: a value equal to a cut point falls in the lower interval of the raw measure (the
 *   intervals are right-closed, as pandas' `qcut`). So equal measures always get equal scores;
 *   for frequency and monetary the tie gets the lower score, for recency (in days, reversed)
 *   the higher one.
 *
 * @example
 * ```ts
 * const scoring = scoreRfm([
 *   { profileId: 'a', recencyDays: 2, frequency: 12, monetary: 900 },
 *   { profileId: 'b', recencyDays: 10, frequency: 6, monetary: 300 },
 *   { profileId: 'c', recencyDays: 40, frequency: 3, monetary: 120 },
 *   { profileId: 'd', recencyDays: 90, frequency: 2, monetary: 60 },
 *   { profileId: 'e', recencyDays: 300, frequency: 1, monetary: 15 },
 * ]);
 * scoring.cutPoints.frequency; // [1, 2, 3, 6]
 * scoring.profiles.map((p) => p.segment); // ['Champions', 'Loyal', 'Need Attention', 'Lost', 'Lost']
 * ```
 *
 * @throws `ValidationError` naming the path of a bad measure or option.
 */
export function scoreRfm(measures: readonly RfmMeasures[], options: ScoreRfmOptions = {}): RfmScoring {
  parseOrThrow(optionsSchema, options, 'RFM scoring options');
  parseOrThrow(measuresSchema, measures, 'RFM measures');
  const segmenter = rfmSegmenter(options.segments ?? DEFAULT_RFM_SEGMENTS);
  return scoreValidated(measures, segmenter, options.sketch ?? {});
}

/** {@link scoreRfm} on input already checked (the durable model builds its own measures). */
export function scoreValidated(
  measures: readonly RfmMeasures[],
  segmenter: ReturnType<typeof rfmSegmenter>,
  sketchOptions: QuantileSketchOptions,
): RfmScoring {
  const sketches = {
    recency: createQuantileSketch(sketchOptions),
    frequency: createQuantileSketch(sketchOptions),
    monetary: createQuantileSketch(sketchOptions),
  };
  for (const measure of measures) {
    sketches.recency.add(measure.recencyDays);
    sketches.frequency.add(measure.frequency);
    sketches.monetary.add(measure.monetary);
  }
  const cutPoints: RfmCutPoints = {
    recencyDays: quintileCuts(sketches.recency),
    frequency: quintileCuts(sketches.frequency),
    monetary: quintileCuts(sketches.monetary),
  };
  const segmentCounts: Record<string, number> = Object.fromEntries(segmenter.names.map((name) => [name, 0]));
  const histogram = (): ScoreHistogram => [0, 0, 0, 0, 0];
  const scoreCounts = { r: histogram(), f: histogram(), m: histogram() };
  const profiles = measures.map((measure): RfmProfileScores => {
    const r = (6 - quintileOf(measure.recencyDays, cutPoints.recencyDays)) as RfmScore;
    const f = quintileOf(measure.frequency, cutPoints.frequency);
    const m = quintileOf(measure.monetary, cutPoints.monetary);
    const segment = segmenter.segmentOf(r, f, m);
    segmentCounts[segment]! += 1;
    scoreCounts.r[r - 1] += 1;
    scoreCounts.f[f - 1] += 1;
    scoreCounts.m[m - 1] += 1;
    return { ...measure, r, f, m, fm: fmScore(f, m), segment };
  });
  return {
    population: measures.length,
    exact: sketches.recency.exact && sketches.frequency.exact && sketches.monetary.exact,
    cutPoints,
    segmentCounts,
    scoreCounts,
    profiles,
  };
}
