import type { SrmResult } from '../stats/sample-ratio-mismatch';

/** One treatment compared with control on one metric. */
export interface VariationComparison {
  variation: string;
  units: number;
  /** The variation's metric value: a rate, a mean per unit or a ratio. */
  value: number;
  /** treatment − control, absolute. */
  difference: number;
  /** Relative lift treatment / control − 1. */
  lift: number;
  /** Fixed-horizon interval of the lift (delta method). */
  liftInterval: [number, number];
  /** Always-valid interval of the lift (confidence sequence). */
  sequentialInterval: [number, number];
  /** Fixed-horizon two-sided p-value (z or Welch t). */
  pValue: number;
  /** Always-valid p-value. */
  sequentialPValue: number;
  /** The p-value decisions use (sequential or fixed), after the multiple-comparison correction for goals. */
  adjustedPValue: number;
  significant: boolean;
  /** `better` or `worse` in the metric's good direction when significant, otherwise `flat`. */
  direction: 'better' | 'worse' | 'flat';
  /** P(treatment better than control), Bayesian (exact Beta-Binomial for conversions without CUPED). */
  chanceToWin: number;
  /** Expected loss of shipping the treatment, in the metric's units (absolute) for conversions, in lift otherwise. */
  expectedLoss: number;
  /** Bayesian credible interval of the lift. */
  credibleInterval: [number, number];
  /** True when CUPED adjusted this comparison. */
  cuped: boolean;
}

/** One metric's results. */
export interface MetricResult {
  key: string;
  role: 'goal' | 'guardrail';
  type: 'conversion' | 'count' | 'revenue' | 'ratio';
  higherIsBetter: boolean;
  control: { variation: string; units: number; value: number };
  comparisons: VariationComparison[];
}

/** A factorial effect of a multivariate experiment (main effect or two-way interaction). */
export interface FactorialEffect {
  metric: string;
  /** `layout=grid` for a main effect, `layout=grid × color=red` for an interaction. */
  term: string;
  kind: 'main' | 'interaction';
  /** Absolute effect on the metric, averaged over the other factors. */
  effect: number;
  standardError: number;
  interval: [number, number];
  pValue: number;
}

/** What to do now. */
export interface Recommendation {
  decision: 'ship' | 'keep-running' | 'stop-for-futility' | 'investigate-srm';
  /** The variation to ship (for `ship`), or `control` (for `stop-for-futility`). */
  variation?: string;
  reasons: string[];
}

/** The full analysis of an experiment, as data. */
export interface ExperimentResults {
  experimentKey: string;
  totalUnits: number;
  variations: { key: string; units: number; share: number }[];
  srm: SrmResult;
  alpha: number;
  sequential: boolean;
  correction: 'holm' | 'benjamini-hochberg' | 'none';
  metrics: MetricResult[];
  factorial?: FactorialEffect[];
  multipleExposures: number;
  recommendation: Recommendation;
}
