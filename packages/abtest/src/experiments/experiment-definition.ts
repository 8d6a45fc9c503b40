import { parseOrThrow } from '@cx/core';
import { type Condition, conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';
import type { ExperimentConfig } from '../assignment/experiment-config';
import type { Namespace } from '../assignment/namespaces';
import { type MetricDefinition, metricDefinitionSchema } from './metric-definition';

/** One variation of a stored experiment. Index 0 is the control. */
export interface VariationDefinition {
  /** Stable key, stored in sticky buckets and exposure events. */
  key: string;
  name?: string;
  /** What the variation serves (a feature value, a message template id...). */
  value?: unknown;
  /** Split-URL experiments: the page this variation lives at. */
  url?: string;
  /** Multivariate experiments: the level of each factor in this cell. */
  levels?: Record<string, string>;
}

/** A factor of a multivariate experiment; level 0 is its control level. */
export interface FactorDefinition {
  key: string;
  levels: string[];
}

/** How results are computed. */
export interface AnalysisSettings {
  /** Significance level; default 0.05. */
  alpha?: number;
  /** Correction across goal metrics × treatments; default `holm`. */
  correction?: 'holm' | 'benjamini-hochberg' | 'none';
  /** Decide on the always-valid (sequential) p-values, so the experiment may be checked any time. Default true. */
  sequential?: boolean;
  /** Total sample size at which the confidence sequence is tightest; default 5000. */
  sequentialTuning?: number;
  /** SRM p-value threshold; default 0.001. */
  srmThreshold?: number;
  /** Smallest relative lift worth shipping; when every interval rules it out, stop for futility. Default 0.01. */
  minimumLift?: number;
}

/** A stored experiment: what to assign, what to measure, how to decide. */
export interface ExperimentDefinition {
  key: string;
  name?: string;
  /** `ab` (A/B and A/B/n), `split-url` (each variation is a URL) or `multivariate` (full factorial). */
  type: 'ab' | 'split-url' | 'multivariate';
  variations: VariationDefinition[];
  factors?: FactorDefinition[];
  weights?: number[];
  coverage?: number;
  condition?: Condition;
  namespace?: Namespace;
  hashAttribute?: string;
  fallbackAttribute?: string;
  /** Default 2 (unbiased); 1 only to match an existing GrowthBook experiment. */
  hashVersion?: 1 | 2;
  seed?: string;
  bucketVersion?: number;
  minBucketVersion?: number;
  status?: 'draft' | 'running' | 'stopped';
  /** Goal metrics; the first is the primary metric that decides the recommendation. */
  metrics: MetricDefinition[];
  /** Metrics that must not get significantly worse. */
  guardrails?: MetricDefinition[];
  analysis?: AnalysisSettings;
}

/** The input of {@link defineExperiment}: multivariate experiments give factors instead of variations. */
export type ExperimentInput = Omit<ExperimentDefinition, 'variations'> & {
  variations?: VariationDefinition[];
};

const variationSchema = z.strictObject({
  key: z.string().min(1).max(128),
  name: z.string().optional(),
  value: z.unknown().optional(),
  url: z.url().optional(),
  levels: z.record(z.string(), z.string()).optional(),
});

const WEIGHT_TOLERANCE = 1e-6;

export const experimentDefinitionSchema = z
  .strictObject({
    key: z.string().min(1).max(128),
    name: z.string().optional(),
    type: z.enum(['ab', 'split-url', 'multivariate']),
    variations: z
      .array(variationSchema)
      .min(2, 'An experiment needs at least two variations (control and one treatment)'),
    factors: z
      .array(z.strictObject({ key: z.string().min(1), levels: z.array(z.string().min(1)).min(2) }))
      .optional(),
    weights: z.array(z.number().nonnegative()).optional(),
    coverage: z.number().min(0).max(1).optional(),
    condition: conditionSchema.optional(),
    namespace: z
      .tuple([z.string().min(1), z.number().min(0).max(1), z.number().min(0).max(1)])
      .refine((ns) => ns[1] < ns[2], 'namespace start must be below its end')
      .optional(),
    hashAttribute: z.string().min(1).optional(),
    fallbackAttribute: z.string().min(1).optional(),
    hashVersion: z.union([z.literal(1), z.literal(2)]).optional(),
    seed: z.string().min(1).optional(),
    bucketVersion: z.number().int().nonnegative().optional(),
    minBucketVersion: z.number().int().nonnegative().optional(),
    status: z.enum(['draft', 'running', 'stopped']).optional(),
    metrics: z.array(metricDefinitionSchema).min(1, 'At least one goal metric is needed'),
    guardrails: z.array(metricDefinitionSchema).optional(),
    analysis: z
      .strictObject({
        alpha: z.number().gt(0).lt(1).optional(),
        correction: z.enum(['holm', 'benjamini-hochberg', 'none']).optional(),
        sequential: z.boolean().optional(),
        sequentialTuning: z.number().positive().optional(),
        srmThreshold: z.number().gt(0).lt(1).optional(),
        minimumLift: z.number().nonnegative().optional(),
      })
      .optional(),
  })
  .superRefine((def, ctx) => {
    if (def.weights) {
      if (def.weights.length !== def.variations.length) {
        ctx.addIssue({ code: 'custom', path: ['weights'], message: 'Need one weight per variation' });
      }
      const total = def.weights.reduce((sum, w) => sum + w, 0);
      if (Math.abs(total - 1) > WEIGHT_TOLERANCE) {
        ctx.addIssue({
          code: 'custom',
          path: ['weights'],
          message: `Weights must sum to 1 (they sum to ${total})`,
        });
      }
    }
    const keys = new Set<string>();
    def.variations.forEach((v, i) => {
      if (keys.has(v.key))
        ctx.addIssue({ code: 'custom', path: ['variations', i, 'key'], message: 'Duplicate variation key' });
      keys.add(v.key);
      if (def.type === 'split-url' && v.url === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['variations', i, 'url'],
          message: 'Split-URL variations need a url',
        });
      }
    });
    if (def.type === 'multivariate' && (def.factors?.length ?? 0) < 1) {
      ctx.addIssue({ code: 'custom', path: ['factors'], message: 'Multivariate experiments need factors' });
    }
    const metricKeys = new Set<string>();
    [...def.metrics, ...(def.guardrails ?? [])].forEach((m) => {
      if (metricKeys.has(m.key))
        ctx.addIssue({ code: 'custom', path: ['metrics'], message: `Duplicate metric key ${m.key}` });
      metricKeys.add(m.key);
    });
  });

/** The cells of a full factorial: every combination of levels, first factor slowest. */
export function factorialCells(factors: readonly FactorDefinition[]): VariationDefinition[] {
  let cells: Record<string, string>[] = [{}];
  for (const factor of factors) {
    cells = cells.flatMap((cell) => factor.levels.map((level) => ({ ...cell, [factor.key]: level })));
  }
  return cells.map((levels) => ({
    key: factors.map((f) => `${f.key}=${levels[f.key]}`).join('&'),
    levels,
  }));
}

/**
 * Validates an experiment strictly and fills in what follows from it (the cells of a
 * multivariate experiment). Where GrowthBook's assignment falls back silently (weights that do
 * not sum to 1 become equal weights, coverage is clamped, an unknown operator matches nobody),
 * a stored definition is refused instead, so the mistake is seen when it is saved.
 *
 * @throws `ValidationError` naming each problem: fewer than two variations, weights not summing
 *   to 1 or of the wrong length, coverage outside [0, 1], a condition with an unknown operator,
 *   duplicate keys, split-URL variations without a URL, metrics without a needed denominator.
 * @example
 * ```ts
 * const hero = defineExperiment({
 *   key: 'hero-copy',
 *   type: 'ab',
 *   variations: [{ key: 'control' }, { key: 'urgent' }],
 *   metrics: [{ key: 'purchase', type: 'conversion', event: 'Order Completed' }],
 * });
 * ```
 */
export function defineExperiment(input: ExperimentInput): ExperimentDefinition {
  const filled =
    input !== null &&
    typeof input === 'object' &&
    input.type === 'multivariate' &&
    Array.isArray(input.factors) &&
    input.variations === undefined
      ? { ...input, variations: factorialCells(input.factors) }
      : input;
  return parseOrThrow(experimentDefinitionSchema, filled, 'experiment definition') as ExperimentDefinition;
}

/** The assignment view of a definition: GrowthBook fields, variation keys as `meta` so sticky buckets work. */
export function toAssignmentConfig(definition: ExperimentDefinition): ExperimentConfig<VariationDefinition> {
  const config: ExperimentConfig<VariationDefinition> = {
    key: definition.key,
    variations: definition.variations,
    meta: definition.variations.map((v) => ({
      key: v.key,
      ...(v.name === undefined ? {} : { name: v.name }),
    })),
    hashVersion: definition.hashVersion ?? 2,
  };
  if (definition.weights) config.weights = definition.weights;
  if (definition.coverage !== undefined) config.coverage = definition.coverage;
  if (definition.condition) config.condition = definition.condition;
  if (definition.namespace) config.namespace = definition.namespace;
  if (definition.hashAttribute) config.hashAttribute = definition.hashAttribute;
  if (definition.fallbackAttribute) config.fallbackAttribute = definition.fallbackAttribute;
  if (definition.seed) config.seed = definition.seed;
  if (definition.bucketVersion !== undefined) config.bucketVersion = definition.bucketVersion;
  if (definition.minBucketVersion !== undefined) config.minBucketVersion = definition.minBucketVersion;
  if (definition.status) config.status = definition.status;
  return config;
}
