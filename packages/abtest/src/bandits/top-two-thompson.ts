import { normalDraw } from '@cx/core';
import type { Estimate } from '../stats/sufficient-stats';

/**
 * P(arm is best) for independent Gaussian posteriors, by Monte Carlo with a seeded source.
 */
export function probabilityBest(
  posteriors: readonly Estimate[],
  draws: number,
  random: () => number,
): number[] {
  const wins = new Array<number>(posteriors.length).fill(0);
  const sds = posteriors.map((p) => Math.sqrt(p.variance));
  for (let s = 0; s < draws; s++) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < posteriors.length; k++) {
      const value = (posteriors[k] as Estimate).mean + (sds[k] as number) * normalDraw(random);
      if (value > bestValue) {
        bestValue = value;
        best = k;
      }
    }
    wins[best] = (wins[best] as number) + 1;
  }
  return wins.map((w) => w / draws);
}

/**
 * Top-two Thompson sampling allocation (Russo, "Simple Bayesian Algorithms for Best-Arm
 * Identification", Operations Research 68(6), 2020, §3): with probability β play the sampled
 * best arm, otherwise resample until another arm is best and play that. Given the
 * probabilities πᵢ that each arm is best, arm i is played with probability
 * ψᵢ = πᵢ·(β + (1 − β)·Σ_{j≠i} πⱼ/(1 − πⱼ)), computed here in closed form. Unlike plain
 * Thompson sampling it keeps measuring the runner-up, so the best arm is identified faster and
 * its estimate stays precise.
 */
export function topTwoAllocation(probabilities: readonly number[], beta = 0.5): number[] {
  const k = probabilities.length;
  const out = probabilities.map((pi, i) => {
    let other = 0;
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      const pj = probabilities[j] as number;
      other += pj < 1 ? pj / (1 - pj) : 0;
    }
    return pi * (beta + (1 - beta) * other);
  });
  const total = out.reduce((s, x) => s + x, 0);
  return total > 0 ? out.map((x) => x / total) : probabilities.map(() => 1 / k);
}

/**
 * Raises every weight to at least `minimum` and scales the others down proportionally (water
 * filling), so no arm is starved: its estimate keeps improving and a wrong early leader can
 * still be overtaken.
 */
export function applyMinimumWeight(weights: readonly number[], minimum: number): number[] {
  const k = weights.length;
  if (minimum * k >= 1) return weights.map(() => 1 / k);
  const floored = new Set<number>();
  let out = [...weights];
  for (let round = 0; round < k; round++) {
    const free = out.reduce((s, w, i) => (floored.has(i) ? s : s + w), 0);
    const budget = 1 - floored.size * minimum;
    out = out.map((w, i) =>
      floored.has(i) ? minimum : free > 0 ? (w * budget) / free : budget / (k - floored.size),
    );
    let changed = false;
    out.forEach((w, i) => {
      if (!floored.has(i) && w < minimum) {
        floored.add(i);
        changed = true;
      }
    });
    if (!changed) break;
  }
  return out.map((w, i) => (floored.has(i) ? minimum : w));
}
