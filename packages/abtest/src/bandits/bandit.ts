import {
  assertWorkspaceId,
  parseOrThrow,
  type Storage,
  type StoredDocument,
  seededRandom,
  ValidationError,
} from '@cx/core';
import { normalQuantile } from '@cx/core/stats';
import { type AssignmentContext, type AssignmentResult, compileExperiment } from '../assignment/assign';
import { getEqualWeights } from '../assignment/bucket-ranges';
import { hash } from '../assignment/hash';
import { relativeLift } from '../stats/relative-lift';
import { type Estimate, meanEstimate } from '../stats/sufficient-stats';
import { type BanditInput, type BanditState, banditInputSchema, emptyStats } from './bandit-state';
import { applyMinimumWeight, probabilityBest, topTwoAllocation } from './top-two-thompson';

/** The document collection holding bandit state. */
export const BANDIT_COLLECTION = 'abtest.bandits';

/**
 * Creates a bandit in its first allocation period, with equal weights.
 *
 * @throws `ValidationError` for fewer than two arms, duplicate arms, a holdout outside [0, 1)
 *   or a minimum weight that the arms cannot all get.
 * @example
 * ```ts
 * const bandit = createBandit({ key: 'welcome-email', arms: ['plain', 'emoji', 'discount'], holdout: 0.1 }, new Date());
 * ```
 */
export function createBandit(input: BanditInput, now: Date | number | string): BanditState {
  const b = parseOrThrow(banditInputSchema, input, 'bandit');
  return {
    key: b.key,
    arms: b.arms,
    holdout: b.holdout ?? 0.1,
    minWeight: b.minWeight ?? 0.02,
    minSamplesPerArm: b.minSamplesPerArm ?? 100,
    beta: b.beta ?? 0.75,
    seed: b.seed ?? 1,
    draws: b.draws ?? 10_000,
    hashAttribute: b.hashAttribute ?? 'id',
    periods: [
      {
        index: 0,
        startedAt: new Date(now).toISOString(),
        weights: getEqualWeights(b.arms.length),
        arms: b.arms.map(emptyStats),
        holdout: emptyStats(),
      },
    ],
  };
}

/** Where one unit goes. */
export interface BanditAssignment {
  /** Arm index (0 = control). */
  arm: number;
  armKey: string;
  /** True for the fixed control holdout, which the bandit never reallocates. */
  holdout: boolean;
  /** The allocation period the unit was assigned in: record its reward against this period. */
  period: number;
  /** The underlying assignment (sticky bucket document to save included). */
  result: AssignmentResult<string>;
}

/**
 * Assigns a unit. A fixed share (`holdout`) always gets control, by a hash independent of the
 * arm hash; the rest is split by the current period's weights through GrowthBook-compatible
 * bucketing. With `stickyBucketing` and the unit's sticky documents in the context, a unit
 * keeps its arm across reallocations (and `period` is the one of its first assignment when the
 * caller stores it; this function reports the current period).
 */
export function assignBandit(state: BanditState, context: AssignmentContext): BanditAssignment {
  const period = state.periods[state.periods.length - 1] as (typeof state.periods)[number];
  const id = context.attributes[state.hashAttribute];
  const inHoldout = id ? (hash(`${state.key}:holdout`, String(id), 2) as number) < state.holdout : false;
  const compiled = compileExperiment({
    key: state.key,
    variations: state.arms,
    weights: period.weights,
    meta: state.arms.map((key) => ({ key })),
    hashVersion: 2,
    hashAttribute: state.hashAttribute,
  });
  if (inHoldout) {
    const result = compiled.assign({
      ...context,
      forcedVariations: { [state.key]: 0 },
      stickyBucketing: false,
    });
    return { arm: 0, armKey: state.arms[0] as string, holdout: true, period: period.index, result };
  }
  const result = compiled.assign(context);
  return { arm: result.variationId, armKey: result.key, holdout: false, period: period.index, result };
}

/**
 * Adds one unit's reward (1/0 for a conversion, an amount for revenue) to the period it was
 * assigned in. Mutates and returns the state.
 */
export function recordBanditReward(
  state: BanditState,
  reward: { period: number; arm: number; holdout: boolean; value: number },
): BanditState {
  const period = state.periods[reward.period];
  const stats = period === undefined ? undefined : reward.holdout ? period.holdout : period.arms[reward.arm];
  if (stats === undefined || !Number.isFinite(reward.value)) {
    throw new ValidationError(`Invalid bandit reward for ${state.key}`, [
      {
        path: stats === undefined ? 'period' : 'value',
        message: `Expected period 0..${state.periods.length - 1}, arm 0..${state.arms.length - 1} and a finite value`,
        code: 'invalid_reward',
      },
    ]);
  }
  stats.n++;
  stats.sum += reward.value;
  stats.sumSquares += reward.value * reward.value;
  return state;
}

/**
 * Each arm's mean, weighting every period by its share of the bandit's traffic — the same
 * weights for every arm — rather than pooling units. Pooling would let traffic shifts mix with
 * time trends (an arm given most traffic in a bad week looks worse: Simpson's paradox); with
 * common period weights each arm is estimated on the same mix of periods (as GrowthBook's
 * bandits do). Periods in which an arm has fewer than 2 units are left out for every arm.
 */
export function banditArmEstimates(state: BanditState): Estimate[] {
  const usable = state.periods.filter((p) => p.arms.every((s) => s.n >= 2));
  const total = usable.reduce((s, p) => s + p.arms.reduce((t, a) => t + a.n, 0), 0);
  return state.arms.map((_, k) => {
    let mean = 0;
    let variance = 0;
    for (const period of usable) {
      const w = period.arms.reduce((t, a) => t + a.n, 0) / total;
      const e = meanEstimate(period.arms[k] as (typeof period.arms)[number]);
      mean += w * e.mean;
      variance += w * w * e.variance;
    }
    return { mean, variance };
  });
}

/** The control holdout's estimate, pooled: its share is fixed, so pooling is unbiased. */
export function holdoutEstimate(state: BanditState): Estimate {
  const pooled = state.periods.reduce(
    (s, p) => ({
      n: s.n + p.holdout.n,
      sum: s.sum + p.holdout.sum,
      sumSquares: s.sumSquares + p.holdout.sumSquares,
    }),
    emptyStats(),
  );
  return meanEstimate(pooled);
}

/**
 * Closes the current period and opens the next with new weights: top-two Thompson sampling
 * over the period-weighted Gaussian posteriors of the arms, each arm floored at `minWeight`.
 * Until every arm has `minSamplesPerArm` units the weights do not move. Deterministic: draws
 * come from a PRNG seeded by the bandit's seed and the period index.
 */
export function reallocateBandit(state: BanditState, now: Date | number | string): BanditState {
  const current = state.periods[state.periods.length - 1] as (typeof state.periods)[number];
  const totals = state.arms.map((_, k) => state.periods.reduce((s, p) => s + (p.arms[k]?.n ?? 0), 0));
  let weights = current.weights;
  if (totals.every((n) => n >= state.minSamplesPerArm)) {
    const posteriors = banditArmEstimates(state).map((e) => ({
      mean: e.mean,
      variance: Math.max(e.variance, 1e-12),
    }));
    const random = seededRandom((state.seed * 1_000_003 + current.index) | 0);
    const best = probabilityBest(posteriors, state.draws, random);
    weights = applyMinimumWeight(topTwoAllocation(best, state.beta), state.minWeight);
  }
  state.periods.push({
    index: current.index + 1,
    startedAt: new Date(now).toISOString(),
    weights,
    arms: state.arms.map(emptyStats),
    holdout: emptyStats(),
  });
  return state;
}

/** One arm judged against the fixed control holdout. */
export interface BanditArmReport {
  arm: string;
  units: number;
  estimate: Estimate;
  interval: [number, number];
  /** Lift over the control holdout with a delta-method interval. */
  liftOverHoldout: number;
  liftInterval: [number, number];
  currentWeight: number;
}

/** Per-arm estimates and lifts over the control holdout, the bandit's honest scorecard. */
export function banditReport(
  state: BanditState,
  alpha = 0.05,
): { holdout: Estimate & { units: number }; arms: BanditArmReport[] } {
  const z = normalQuantile(1 - alpha / 2);
  const holdout = holdoutEstimate(state);
  const estimates = banditArmEstimates(state);
  const current = state.periods[state.periods.length - 1] as (typeof state.periods)[number];
  return {
    holdout: { ...holdout, units: state.periods.reduce((s, p) => s + p.holdout.n, 0) },
    arms: state.arms.map((arm, k) => {
      const estimate = estimates[k] as Estimate;
      const sd = Math.sqrt(estimate.variance);
      const lift = relativeLift(holdout, estimate, alpha);
      return {
        arm,
        units: state.periods.reduce((s, p) => s + (p.arms[k]?.n ?? 0), 0),
        estimate,
        interval: [estimate.mean - z * sd, estimate.mean + z * sd],
        liftOverHoldout: lift.lift,
        liftInterval: lift.confidenceInterval,
        currentWeight: current.weights[k] as number,
      };
    }),
  };
}

/** Saves bandit state with compare-and-set: pass the version read, or 0 for a new bandit. */
export async function saveBandit(
  storage: Storage,
  workspaceId: string,
  state: BanditState,
  expectedVersion?: number,
): Promise<StoredDocument<BanditState>> {
  assertWorkspaceId(workspaceId);
  return storage.documents.put(workspaceId, {
    collection: BANDIT_COLLECTION,
    key: state.key,
    value: state,
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  });
}

/** Loads bandit state with its version, or `null`. */
export async function loadBandit(
  storage: Storage,
  workspaceId: string,
  key: string,
): Promise<StoredDocument<BanditState> | null> {
  assertWorkspaceId(workspaceId);
  return storage.documents.get<BanditState>(workspaceId, BANDIT_COLLECTION, key);
}
