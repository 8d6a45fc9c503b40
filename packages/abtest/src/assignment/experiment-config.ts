import { type Condition, conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';
import type { VariationRange } from './bucket-ranges';
import type { Namespace } from './namespaces';

/** Per-variation metadata: a stable key (used by sticky bucketing), a name, and passthrough. */
export interface VariationMeta {
  key?: string;
  name?: string;
  /** GrowthBook's "passthrough": the user is in the variation but served the control experience. */
  passthrough?: boolean;
}

/** GrowthBook's modern namespace: hash `attribute` with `seed` and keep users inside `ranges`. */
export interface ExperimentFilter {
  attribute?: string;
  seed: string;
  /** Default 2. */
  hashVersion?: number;
  ranges: VariationRange[];
}

/**
 * An experiment as assignment sees it: the fields of GrowthBook's `Experiment` type that decide
 * who gets which variation, with the same names and defaults. Values follow GrowthBook's
 * lenient rules (invalid weights fall back to equal, coverage is clamped); use
 * `defineExperiment` for the strict checks a stored definition should pass.
 */
export interface ExperimentConfig<T = unknown> {
  /** Unique key; also the hash seed unless `seed` is set. */
  key: string;
  /** The variations' values; index 0 is the control. */
  variations: readonly T[];
  /** Traffic split, summing to 1; equal when omitted or invalid. */
  weights?: readonly number[];
  /** Share of eligible users included, 0..1; default 1. */
  coverage?: number;
  /** Targeting: only users whose attributes match are included. */
  condition?: Condition;
  /** An exclusion layer `[id, start, end)`. Ignored when `filters` is set (as in GrowthBook). */
  namespace?: Namespace;
  filters?: ExperimentFilter[];
  /** Hash seed; defaults to `key`. */
  seed?: string;
  /** The attribute identifying the unit; default `id`. */
  hashAttribute?: string;
  /** Used when `hashAttribute` is empty and sticky bucketing is on (e.g. `deviceId` before login). */
  fallbackAttribute?: string;
  /** 1 (GrowthBook's default, for compatibility) or 2 (unbiased; recommended). */
  hashVersion?: number;
  /** Explicit bucket ranges, overriding weights and coverage. */
  ranges?: VariationRange[];
  /** Serve this variation index to everyone in the experiment. */
  force?: number;
  /** `false` pauses the experiment: nobody is assigned. */
  active?: boolean;
  status?: 'draft' | 'running' | 'stopped';
  meta?: VariationMeta[];
  /** Bumping it re-randomises everyone despite sticky buckets. */
  bucketVersion?: number;
  /** Users with a sticky bucket from an earlier version are excluded. */
  minBucketVersion?: number;
  disableStickyBucketing?: boolean;
  name?: string;
  phase?: string;
}

const rangeSchema = z.tuple([z.number(), z.number()]);

/** Structural schema of {@link ExperimentConfig}; value rules stay lenient, as in GrowthBook. */
export const experimentConfigSchema = z.strictObject({
  key: z.string().min(1),
  variations: z.array(z.unknown()),
  weights: z.array(z.number()).optional(),
  coverage: z.number().optional(),
  condition: conditionSchema.optional(),
  namespace: z.tuple([z.string(), z.number(), z.number()]).optional(),
  filters: z
    .array(
      z.object({
        attribute: z.string().optional(),
        seed: z.string(),
        hashVersion: z.number().optional(),
        ranges: z.array(rangeSchema),
      }),
    )
    .optional(),
  seed: z.string().optional(),
  hashAttribute: z.string().optional(),
  fallbackAttribute: z.string().optional(),
  hashVersion: z.number().optional(),
  ranges: z.array(rangeSchema).optional(),
  force: z.number().int().optional(),
  active: z.boolean().optional(),
  status: z.enum(['draft', 'running', 'stopped']).optional(),
  meta: z
    .array(
      z.object({
        key: z.string().optional(),
        name: z.string().optional(),
        passthrough: z.boolean().optional(),
      }),
    )
    .optional(),
  bucketVersion: z.number().int().nonnegative().optional(),
  minBucketVersion: z.number().int().nonnegative().optional(),
  disableStickyBucketing: z.boolean().optional(),
  name: z.string().optional(),
  phase: z.string().optional(),
});
