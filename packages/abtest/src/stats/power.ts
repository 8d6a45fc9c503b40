import { parseOrThrow } from '@cx/core';
import { normalCdf, normalQuantile } from '@cx/core/stats';
import { z } from 'zod';
import { confidenceSequenceHalfWidth } from './sequential';

/** Inputs of the power calculations for a two-arm comparison with equal arms. */
export interface PowerOptions {
  /** Per-unit variance of the metric in each arm (p(1 − p) for a conversion rate). */
  variance: number;
  /** Two-sided significance level; default 0.05. */
  alpha?: number;
  /** Target power; default 0.8. */
  power?: number;
  /** Plan for always-valid sequential analysis instead of one look at the end. */
  sequential?: boolean;
  /** Tuning of the confidence sequence (total sample size it is tightest at); default 5000. */
  tuning?: number;
}

const schema = z.object({
  variance: z.number().positive().finite(),
  alpha: z.number().gt(0).lt(1),
  power: z.number().gt(0).lt(1),
  sequential: z.boolean(),
  tuning: z.number().positive(),
});

function resolve(options: PowerOptions) {
  return parseOrThrow(
    schema,
    {
      variance: options.variance,
      alpha: options.alpha ?? 0.05,
      power: options.power ?? 0.8,
      sequential: options.sequential ?? false,
      tuning: options.tuning ?? 5000,
    },
    'power options',
  );
}

/** The smallest absolute effect detectable with `n` units per arm at the given power. */
export function minimumDetectableEffect(n: number, options: PowerOptions): number {
  const o = resolve(options);
  parseOrThrow(z.number().positive(), n, 'units per arm');
  const se = Math.sqrt((2 * o.variance) / n);
  const zPower = normalQuantile(o.power);
  if (!o.sequential) return (normalQuantile(1 - o.alpha / 2) + zPower) * se;
  // The sequence over both arms (2n observations) must clear 0 with the estimate z_power SEs past it.
  const s2 = se * se * 2 * n;
  return confidenceSequenceHalfWidth(s2, 2 * n, o.alpha, o.tuning) + zPower * se;
}

/**
 * Units per arm to detect an absolute effect `effect` with the given power. Fixed design:
 * n = (z₁₋α/₂ + z_power)²·2σ²/δ² (Chow, Shao & Wang, Sample Size Calculations in Clinical
 * Research, 2nd ed., §3.2.1, normal approximation). Sequential design: the smallest n whose
 * always-valid MDE is at most δ.
 *
 * @example
 * ```ts
 * sampleSizePerArm(0.5, { variance: 1 }); // 63
 * ```
 */
export function sampleSizePerArm(effect: number, options: PowerOptions): number {
  const o = resolve(options);
  parseOrThrow(z.number().positive().finite(), Math.abs(effect), 'effect');
  const delta = Math.abs(effect);
  if (!o.sequential) {
    const z = normalQuantile(1 - o.alpha / 2) + normalQuantile(o.power);
    return Math.ceil((z * z * 2 * o.variance) / (delta * delta));
  }
  let high = 2;
  while (minimumDetectableEffect(high, o) > delta) high *= 2;
  let low = high / 2;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (minimumDetectableEffect(mid, o) > delta) low = mid;
    else high = mid;
  }
  return high;
}

/** The power to detect an absolute effect with `n` units per arm. */
export function powerAt(effect: number, n: number, options: Omit<PowerOptions, 'power'>): number {
  const o = resolve({ ...options, power: 0.5 });
  const se = Math.sqrt((2 * o.variance) / n);
  const delta = Math.abs(effect);
  if (!o.sequential) return normalCdf(delta / se - normalQuantile(1 - o.alpha / 2));
  const halfWidth = confidenceSequenceHalfWidth(se * se * 2 * n, 2 * n, o.alpha, o.tuning);
  return normalCdf((delta - halfWidth) / se);
}
