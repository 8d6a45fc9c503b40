import { parseOrThrow, ValidationError } from '@cx/core';
import { z } from 'zod';

const bandSchema = z
  .object({ from: z.number().int(), to: z.number().int() })
  .refine((band) => band.from <= band.to, { message: 'A band needs from <= to', path: ['to'] });

/**
 * A rating scale as data: its integer range, the band counted as positive (promoters, satisfied,
 * easy, agreeing) and optionally the band counted as negative (detractors, difficult). Teams add
 * their own scales by writing one of these; every score function takes a scale id or a scale.
 */
export const scaleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'Scale id must be lower-case letters, digits, "-" or "_"'),
    label: z.string().max(256).optional(),
    min: z.number().int(),
    max: z.number().int(),
    positive: bandSchema,
    negative: bandSchema.optional(),
    /** Words for each answer, keyed by the score as a string (`"1": "Very easy"`). */
    labels: z.record(z.string(), z.string()).optional(),
  })
  .refine((scale) => scale.min < scale.max, { message: 'min must be below max', path: ['max'] })
  .refine((scale) => scale.positive.from >= scale.min && scale.positive.to <= scale.max, {
    message: 'The positive band must lie inside the scale',
    path: ['positive'],
  })
  .refine(
    (scale) =>
      scale.negative === undefined || (scale.negative.from >= scale.min && scale.negative.to <= scale.max),
    { message: 'The negative band must lie inside the scale', path: ['negative'] },
  )
  .refine(
    (scale) =>
      scale.negative === undefined ||
      scale.negative.to < scale.positive.from ||
      scale.negative.from > scale.positive.to,
    { message: 'The positive and negative bands must not overlap', path: ['negative'] },
  );

/** A rating scale; see {@link scaleSchema}. */
export type Scale = z.output<typeof scaleSchema>;

/** NPS: "How likely are you to recommend us?" 0–10; promoters 9–10, detractors 0–6. */
export const npsScale: Scale = {
  id: 'nps',
  label: 'How likely are you to recommend us? (0–10)',
  min: 0,
  max: 10,
  positive: { from: 9, to: 10 },
  negative: { from: 0, to: 6 },
};

/** CSAT on 1–5; top-two-box (satisfied) 4–5, bottom-two 1–2. */
export const csat5Scale: Scale = {
  id: 'csat-5',
  label: 'How satisfied were you today? (1–5)',
  min: 1,
  max: 5,
  positive: { from: 4, to: 5 },
  negative: { from: 1, to: 2 },
};

/** CSAT on 1–7; top-two-box 6–7, bottom-two 1–2. */
export const csat7Scale: Scale = {
  id: 'csat-7',
  label: 'How satisfied were you today? (1–7)',
  min: 1,
  max: 7,
  positive: { from: 6, to: 7 },
  negative: { from: 1, to: 2 },
};

/**
 * CES as five answers, in the brief's order: 1 very easy, 2 easy, 3 neither, 4 difficult,
 * 5 very difficult. CES = %(1, 2) − %(4, 5).
 */
export const ces5Scale: Scale = {
  id: 'ces-5',
  label: 'How easy was it to solve your problem?',
  min: 1,
  max: 5,
  positive: { from: 1, to: 2 },
  negative: { from: 4, to: 5 },
  labels: { '1': 'Very easy', '2': 'Easy', '3': 'Neither', '4': 'Difficult', '5': 'Very difficult' },
};

/**
 * CES 2.0 (Gartner/CEB): "The company made it easy for me to handle my issue", 1 strongly
 * disagree … 7 strongly agree; agreeing is 5–7, disagreeing 1–3.
 */
export const ces7Scale: Scale = {
  id: 'ces-7',
  label: 'The company made it easy for me to handle my issue (1–7)',
  min: 1,
  max: 7,
  positive: { from: 5, to: 7 },
  negative: { from: 1, to: 3 },
};

/** The scales cx ships, by id. */
export const builtInScales: Readonly<Record<string, Scale>> = Object.freeze({
  nps: npsScale,
  'csat-5': csat5Scale,
  'csat-7': csat7Scale,
  'ces-5': ces5Scale,
  'ces-7': ces7Scale,
});

/** A scale id of {@link builtInScales} or a scale definition. */
export const scaleRefSchema = z.union([z.string(), scaleSchema]);
/** A scale id or definition. */
export type ScaleRef = string | Scale;

/** Resolves a scale id or validates a scale definition; an unknown id is a `ValidationError`. */
export function resolveScale(ref: ScaleRef): Scale {
  if (typeof ref === 'string') {
    const scale = builtInScales[ref];
    if (scale === undefined) {
      throw new ValidationError(`Unknown scale "${ref}"`, [
        {
          path: 'scale',
          message: `Unknown scale; known: ${Object.keys(builtInScales).join(', ')}`,
          code: 'unknown_scale',
        },
      ]);
    }
    return scale;
  }
  return parseOrThrow(scaleSchema, ref, 'scale');
}

/** How a set of scores falls on a scale. */
export interface ScaleCounts {
  n: number;
  positive: number;
  negative: number;
  neutral: number;
  sum: number;
  sumOfSquares: number;
  /** How many answers gave each score, from `min` to `max`. */
  distribution: Record<string, number>;
}

/**
 * Counts scores on a scale. A score that is not an integer inside the scale throws a
 * `ValidationError` naming its index, so a mis-mapped survey never skews a score silently.
 */
export function countScores(scores: readonly number[], scale: Scale): ScaleCounts {
  if (!Array.isArray(scores)) {
    throw new ValidationError('Invalid scores: expected an array of numbers', [
      { path: '', message: 'Expected an array', code: 'invalid_type' },
    ]);
  }
  const width = scale.max - scale.min + 1;
  const histogram = new Array<number>(width).fill(0);
  let sum = 0;
  let sumOfSquares = 0;
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    if (!Number.isInteger(score) || score < scale.min || score > scale.max) {
      throw new ValidationError(
        `Invalid score at [${index}]: ${String(score)} is not on the ${scale.id} scale`,
        [
          {
            path: `[${index}]`,
            message: `Expected an integer from ${scale.min} to ${scale.max}`,
            code: 'out_of_scale',
          },
        ],
      );
    }
    histogram[score - scale.min]!++;
    sum += score;
    sumOfSquares += score * score;
  }
  let positive = 0;
  let negative = 0;
  const distribution: Record<string, number> = {};
  for (let offset = 0; offset < width; offset++) {
    const value = scale.min + offset;
    const count = histogram[offset]!;
    distribution[String(value)] = count;
    if (value >= scale.positive.from && value <= scale.positive.to) positive += count;
    else if (scale.negative !== undefined && value >= scale.negative.from && value <= scale.negative.to)
      negative += count;
  }
  return {
    n: scores.length,
    positive,
    negative,
    neutral: scores.length - positive - negative,
    sum,
    sumOfSquares,
    distribution,
  };
}
