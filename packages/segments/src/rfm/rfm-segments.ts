import { parseOrThrow } from '@cx/core';
import { z } from 'zod';
import type { RfmScore } from './quintiles';

/** An inclusive range of scores, `[min, max]`, or one score. */
export type ScoreRange = RfmScore | readonly [RfmScore, RfmScore];

/**
 * One named segment: the score ranges a profile must fall in. An omitted dimension matches any
 * score. `fm` is the combined frequency-monetary score: the mean of F and M rounded half up.
 */
export interface RfmSegmentRule {
  /** Display name, unique in the config: `Champions`. */
  name: string;
  /** Recency scores matched. */
  r?: ScoreRange;
  /** Frequency scores matched. */
  f?: ScoreRange;
  /** Monetary scores matched. */
  m?: ScoreRange;
  /** Combined frequency-monetary scores matched: the mean of F and M, rounded half up. */
  fm?: ScoreRange;
}

/** Named segments as data: together they must cover every (R, F, M) combination exactly once. */
export interface RfmSegmentsConfig {
  /** The segments, 1 to 125 of them; their order is the display order. */
  segments: readonly RfmSegmentRule[];
}

const score = z.number().int().min(1).max(5);
const range = z
  .union([score, z.tuple([score, score])])
  .refine(
    (value) => typeof value === 'number' || value[0] <= value[1],
    'A range is [min, max] with min <= max',
  );

const ruleSchema = z
  .object({
    name: z.string().min(1).max(64),
    r: range.optional(),
    f: range.optional(),
    m: range.optional(),
    fm: range.optional(),
  })
  .strict();

const SCORES: readonly RfmScore[] = [1, 2, 3, 4, 5];

/**
 * The combined frequency-monetary score of the R-vs-FM grid: the mean of F and M, rounded half
 * up (F 4, M 3 gives 4).
 */
export function fmScore(f: RfmScore, m: RfmScore): RfmScore {
  return Math.round((f + m) / 2) as RfmScore;
}

const inRange = (value: number, rule: ScoreRange | undefined) =>
  rule === undefined || (typeof rule === 'number' ? value === rule : value >= rule[0] && value <= rule[1]);

/** True when scores `r`, `f`, `m` fall in every range of `rule`. */
function matches(rule: RfmSegmentRule, r: RfmScore, f: RfmScore, m: RfmScore): boolean {
  return inRange(r, rule.r) && inRange(f, rule.f) && inRange(m, rule.m) && inRange(fmScore(f, m), rule.fm);
}

/**
 * Schema of {@link RfmSegmentsConfig}: names unique, and every one of the 125 (R, F, M)
 * combinations matched by exactly one rule. A gap or an overlap is reported with the path of
 * the rule concerned and the combination, so a config never depends on rule order.
 */
export const rfmSegmentsConfigSchema = z
  .object({ segments: z.array(ruleSchema).min(1).max(125) })
  .strict()
  .superRefine((config, ctx) => {
    const names = new Map<string, number>();
    config.segments.forEach((rule, index) => {
      if (names.has(rule.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['segments', index, 'name'],
          message: `Segment name ${rule.name} is used twice`,
        });
      }
      names.set(rule.name, index);
    });
    const rules = config.segments as RfmSegmentRule[];
    let problems = 0;
    for (const r of SCORES) {
      for (const f of SCORES) {
        for (const m of SCORES) {
          const hits = rules.flatMap((rule, index) => (matches(rule, r, f, m) ? [index] : []));
          if (hits.length === 1) continue;
          const cell = `R${r} F${f} M${m}`;
          if (hits.length === 0) {
            ctx.addIssue({ code: 'custom', path: ['segments'], message: `No segment covers ${cell}` });
          } else {
            const named = hits.map((i) => rules[i]!.name).join(', ');
            ctx.addIssue({
              code: 'custom',
              path: ['segments', hits[1]!],
              message: `${cell} is in more than one segment: ${named}`,
            });
          }
          // A broken grid can have a hundred bad cells: a score of them says enough.
          problems += 1;
          if (problems >= 20) return;
        }
      }
    }
  });

/**
 * The default segments: the widely used R-vs-FM grid (recency score against the mean of the
 * frequency and monetary scores), the classic ten segments of RFM analysis. Every cell of the
 * 5 × 5 grid is in exactly one segment:
 *
 * | R \ FM | 1 | 2 | 3 | 4 | 5 |
 * | --- | --- | --- | --- | --- | --- |
 * | 5 | New Customers | Potential Loyalist | Potential Loyalist | Champions | Champions |
 * | 4 | Promising | Potential Loyalist | Potential Loyalist | Loyal | Loyal |
 * | 3 | About to Sleep | About to Sleep | Need Attention | Loyal | Loyal |
 * | 2 | Lost | Lost | At Risk | At Risk | Can't Lose Them |
 * | 1 | Lost | Lost | At Risk | At Risk | Can't Lose Them |
 *
 * Split `Lost` into `Hibernating` (R 2) and `Lost` (R 1) by passing your own config.
 */
export const DEFAULT_RFM_SEGMENTS: RfmSegmentsConfig = {
  segments: [
    { name: 'Champions', r: 5, fm: [4, 5] },
    { name: 'Loyal', r: [3, 4], fm: [4, 5] },
    { name: 'Potential Loyalist', r: [4, 5], fm: [2, 3] },
    { name: 'New Customers', r: 5, fm: 1 },
    { name: 'Promising', r: 4, fm: 1 },
    { name: 'Need Attention', r: 3, fm: 3 },
    { name: 'About to Sleep', r: 3, fm: [1, 2] },
    { name: 'At Risk', r: [1, 2], fm: [3, 4] },
    { name: "Can't Lose Them", r: [1, 2], fm: 5 },
    { name: 'Lost', r: [1, 2], fm: [1, 2] },
  ],
};

/** A validated segment config that names the segment of any scores in O(1). */
export interface RfmSegmenter {
  /** The segment names, in config order. */
  readonly names: readonly string[];
  /** The config it was built from. */
  readonly config: RfmSegmentsConfig;
  /** The one segment of these scores. */
  segmentOf(r: RfmScore, f: RfmScore, m: RfmScore): string;
}

/**
 * Validates a segment config and returns its lookup table (125 cells).
 *
 * @example
 * ```ts
 * const segmenter = rfmSegmenter(DEFAULT_RFM_SEGMENTS);
 * segmenter.segmentOf(5, 5, 4); // 'Champions'
 * segmenter.segmentOf(1, 5, 5); // "Can't Lose Them"
 * ```
 *
 * @throws `ValidationError` naming the path and the (R, F, M) combination of every gap or overlap.
 */
export function rfmSegmenter(config: RfmSegmentsConfig = DEFAULT_RFM_SEGMENTS): RfmSegmenter {
  const parsed = parseOrThrow(rfmSegmentsConfigSchema, config, 'RFM segments config') as RfmSegmentsConfig;
  const table: string[] = new Array(125);
  for (const r of SCORES) {
    for (const f of SCORES) {
      for (const m of SCORES) {
        table[(r - 1) * 25 + (f - 1) * 5 + (m - 1)] = parsed.segments.find((rule) =>
          matches(rule, r, f, m),
        )!.name;
      }
    }
  }
  return {
    names: parsed.segments.map((rule) => rule.name),
    config: parsed,
    segmentOf: (r, f, m) => table[(r - 1) * 25 + (f - 1) * 5 + (m - 1)]!,
  };
}
