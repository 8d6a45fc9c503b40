import {
  analyzeExperiment,
  compileExperiment,
  defineExperiment,
  type ExperimentConfig,
  type ExperimentData,
  type MetricDefinition,
  type MetricStats,
} from '@cx/abtest';
import { type Experiment, GrowthBookClient, type UserContext } from '@growthbook/growthbook';
import type { Benchmark } from '../harness';
import { perSecond, timeMs } from '../harness';

const USERS = 200_000;

/** The benchmark experiment: three variations, a targeting condition and a namespace. */
const experiment: ExperimentConfig<string> = {
  key: 'checkout-button',
  variations: ['blue', 'green', 'red'],
  weights: [0.4, 0.3, 0.3],
  hashVersion: 2,
  namespace: ['checkout', 0, 0.7],
  condition: { country: { $in: ['VN', 'TH', 'ID'] }, age: { $gte: 18 }, 'app.version': { $vgte: '2.4.0' } },
};

function users(): UserContext[] {
  const countries = ['VN', 'TH', 'ID', 'US', 'SG'];
  const versions = ['2.3.9', '2.4.0', '2.10.1', '3.0.0'];
  return Array.from({ length: USERS }, (_, i) => ({
    attributes: {
      id: i % 7 === 0 ? `người-dùng-${i}-🚀` : `user-${i}`,
      country: countries[i % countries.length],
      age: 14 + (i % 50),
      app: { version: versions[i % versions.length] },
    },
  }));
}

let population: UserContext[] = [];

/** Assignments per second of cx against the GrowthBook SDK on the same users; results must agree. */
const assign: Benchmark = {
  name: 'abtest.assign',
  unit: 'assignments/s',
  higherIsBetter: true,
  peer: '@growthbook/growthbook runInlineExperiment',
  async setup() {
    population = users();
  },
  async measure() {
    const compiled = compileExperiment(experiment);
    const gb = new GrowthBookClient();
    const ours = new Int8Array(USERS);
    const theirs = new Int8Array(USERS);
    const cxMs = await timeMs(() => {
      for (let i = 0; i < USERS; i++) {
        const result = compiled.assign(population[i] as { attributes: Record<string, unknown> });
        ours[i] = result.inExperiment ? result.variationId : -1;
      }
    });
    const peerMs = await timeMs(() => {
      for (let i = 0; i < USERS; i++) {
        const result = gb.runInlineExperiment(experiment as Experiment<string>, population[i] as UserContext);
        theirs[i] = result.inExperiment ? result.variationId : -1;
      }
    });
    for (let i = 0; i < USERS; i++) {
      if (ours[i] !== theirs[i]) throw new Error(`abtest.assign: user ${i} differs from GrowthBook`);
    }
    return { value: perSecond(USERS, cxMs), peerValue: perSecond(USERS, peerMs) };
  },
};

const metricTypes: MetricDefinition['type'][] = [
  'conversion',
  'conversion',
  'conversion',
  'conversion',
  'revenue',
  'revenue',
  'revenue',
  'count',
  'count',
  'ratio',
];
const definition = defineExperiment({
  key: 'pricing-page',
  type: 'ab',
  variations: [{ key: 'control' }, { key: 'b' }, { key: 'c' }, { key: 'd' }],
  metrics: metricTypes.map((type, i) => ({
    key: `metric-${i}`,
    type,
    event: `Event ${i}`,
    ...(type === 'ratio' ? { denominator: { event: 'Session Started' } } : {}),
    ...(i === 5 ? { cupedDays: 14 } : {}),
  })),
});

function data(): ExperimentData {
  const units = [50_120, 49_870, 50_033, 49_977];
  return {
    experimentKey: definition.key,
    variations: definition.variations.map((v, i) => ({ key: v.key, units: units[i] as number })),
    metrics: metricTypes.map((type, m) => ({
      key: `metric-${m}`,
      role: 'goal' as const,
      stats: units.map((n, v): MetricStats => {
        const rate = 0.05 + 0.01 * m + 0.002 * v;
        const mean = type === 'conversion' ? rate : type === 'count' ? 2 + v * 0.05 : 30 + v;
        const sum = type === 'conversion' ? Math.round(mean * n) : mean * n;
        const sumSquares = type === 'conversion' ? sum : n * (mean * mean + 4 * mean);
        return {
          n,
          sum,
          sumSquares,
          covariateSum: sum * 0.9,
          covariateSumSquares: sumSquares * 0.85,
          covariateCrossSum: sumSquares * 0.8,
          denominatorSum: type === 'ratio' ? n * 3 : 0,
          denominatorSumSquares: type === 'ratio' ? n * 11 : 0,
          ratioCrossSum: type === 'ratio' ? sum * 3.2 : 0,
        };
      }),
    })),
    multipleExposures: 0,
    scannedEvents: 0,
  };
}

/** One full analysis (frequentist, Bayesian incl. exact Beta-Binomial, sequential, SRM) of 10 metrics × 4 variations. */
const analyze: Benchmark = {
  name: 'abtest.analyze',
  unit: 'ms',
  higherIsBetter: false,
  async measure() {
    const input = data();
    const repeats = 20;
    const ms = await timeMs(() => {
      for (let i = 0; i < repeats; i++) analyzeExperiment(definition, input);
    });
    return { value: ms / repeats };
  },
};

export const benchmarks: Benchmark[] = [assign, analyze];
