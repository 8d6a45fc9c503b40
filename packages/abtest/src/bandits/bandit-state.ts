import { z } from 'zod';
import type { MeanStats } from '../stats/sufficient-stats';

/** The statistics of one allocation period: per arm, and of the control holdout. */
export interface BanditPeriod {
  index: number;
  /** UTC ISO time the period started. */
  startedAt: string;
  /** The allocation weights in force during the period (over the non-holdout traffic). */
  weights: number[];
  arms: MeanStats[];
  holdout: MeanStats;
}

/** Everything a bandit needs to resume: definition and per-period statistics. A JSON document. */
export interface BanditState {
  key: string;
  /** Arm keys; arm 0 is the control. */
  arms: string[];
  /** Share of all traffic that always gets the control, as an unbiased reference; default 0.1. */
  holdout: number;
  /** Minimum share of the bandit's traffic per arm; default 0.02. */
  minWeight: number;
  /** No reallocation until every arm has this many units; default 100. */
  minSamplesPerArm: number;
  /**
   * Top-two Thompson β: the share a clear leader converges to (the runner-up keeps most of the
   * rest, so the comparison stays sharp). Default 0.75; Russo's 0.5 is optimal for identifying
   * the best arm, higher values send more customers the best variant.
   */
  beta: number;
  /** Seed of the reallocation draws. */
  seed: number;
  /** Monte Carlo draws per reallocation; default 10,000. */
  draws: number;
  hashAttribute: string;
  periods: BanditPeriod[];
}

/** Input of `createBandit`. */
export interface BanditInput {
  key: string;
  arms: string[];
  holdout?: number;
  minWeight?: number;
  minSamplesPerArm?: number;
  beta?: number;
  seed?: number;
  draws?: number;
  hashAttribute?: string;
}

export const banditInputSchema = z
  .strictObject({
    key: z.string().min(1).max(128),
    arms: z.array(z.string().min(1)).min(2, 'A bandit needs at least two arms'),
    holdout: z.number().min(0).lt(1).optional(),
    minWeight: z.number().min(0).lt(1).optional(),
    minSamplesPerArm: z.number().int().nonnegative().optional(),
    beta: z.number().gt(0).lte(1).optional(),
    seed: z.number().int().optional(),
    draws: z.number().int().min(100).max(1_000_000).optional(),
    hashAttribute: z.string().min(1).optional(),
  })
  .refine((b) => new Set(b.arms).size === b.arms.length, {
    message: 'Arm keys must be unique',
    path: ['arms'],
  })
  .refine((b) => (b.minWeight ?? 0.02) * b.arms.length <= 1, {
    message: 'minWeight × arms must not exceed 1',
    path: ['minWeight'],
  });

export const emptyStats = (): MeanStats => ({ n: 0, sum: 0, sumSquares: 0 });
