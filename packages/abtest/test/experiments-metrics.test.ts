import { memoryStorage, normalizeEvent } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  analyzeExperiment,
  collectExperimentData,
  defineExperiment,
  emptyMetricStats,
  exposureEvent,
  type MetricStats,
} from '../src';

const WS = 'acme';
const T0 = Date.parse('2026-03-10T00:00:00Z');
const iso = (offsetHours: number) => new Date(T0 + offsetHours * 3_600_000).toISOString();

describe('metrics read from the event store', () => {
  it('aggregates ratio, count and CUPED covariates per unit from the first exposure', async () => {
    const definition = defineExperiment({
      key: 'search',
      type: 'ab',
      variations: [{ key: 'control' }, { key: 'new' }],
      metrics: [
        {
          key: 'revenue-per-session',
          type: 'ratio',
          event: 'Order Completed',
          valueProperty: 'revenue',
          denominator: { event: 'Session Started' },
        },
        {
          key: 'searches',
          type: 'count',
          event: 'Products Searched',
          cupedDays: 7,
          where: { query: { $exists: true } },
        },
      ],
    });
    const exposure = (userId: string, variation: string, hours: number, hashValue = userId) =>
      exposureEvent({
        experimentKey: 'search',
        result: { inExperiment: true, key: variation, variationId: 0, hashAttribute: 'id', hashValue },
        identity: { userId },
        timestamp: iso(hours),
      });
    const track = (
      userId: string,
      event: string,
      hours: number,
      properties: Record<string, unknown> = {},
    ) => ({
      type: 'track',
      event,
      userId,
      timestamp: iso(hours),
      properties,
    });
    const raw = [
      track('a', 'Products Searched', -48, { query: 'áo' }), // pre-period: covariate
      track('a', 'Products Searched', -24 * 10, { query: 'x' }), // older than cupedDays: ignored
      exposure('a', 'control', 0),
      track('a', 'Session Started', 1),
      track('a', 'Session Started', 2),
      track('a', 'Order Completed', 2, { revenue: 30 }),
      track('a', 'Products Searched', 3, { query: 'giày' }),
      track('a', 'Products Searched', 3), // no query: filtered out by `where`
      exposure('a', 'control', 5), // repeat exposure: same messageId, a duplicate the store drops
      track('b', 'Session Started', -1), // before exposure: ignored
      exposure('b', 'new', 0),
      track('b', 'Session Started', 1),
      track('b', 'Order Completed', 1, { revenue: '12.5' }),
      track('c', 'Order Completed', 1, { revenue: 100 }), // never exposed
      exposure('d', 'control', 0),
      exposure('d', 'new', 1, 'device-9'), // same person hashed by another id (before an identity merge): excluded
      exposure('e', 'new', 0),
    ];
    const storage = memoryStorage();
    await storage.events.append(
      WS,
      raw.map((e) => normalizeEvent(e, { receivedAt: T0 })),
    );
    const data = await collectExperimentData(storage, WS, definition, { pageSize: 3 });
    expect(data.multipleExposures).toBe(1);
    expect(data.variations).toEqual([
      { key: 'control', units: 1 },
      { key: 'new', units: 2 },
    ]);
    const [ratio, searches] = data.metrics;
    const expected = (patch: Partial<MetricStats>) => ({ ...emptyMetricStats(), ...patch });
    expect(ratio?.stats).toEqual([
      expected({
        n: 1,
        sum: 30,
        sumSquares: 900,
        denominatorSum: 2,
        denominatorSumSquares: 4,
        ratioCrossSum: 60,
      }),
      expected({
        n: 2,
        sum: 12.5,
        sumSquares: 156.25,
        denominatorSum: 1,
        denominatorSumSquares: 1,
        ratioCrossSum: 12.5,
      }),
    ]);
    expect(searches?.stats[0]).toEqual(
      expected({
        n: 1,
        sum: 1,
        sumSquares: 1,
        covariateSum: 1,
        covariateSumSquares: 1,
        covariateCrossSum: 1,
      }),
    );
    expect(searches?.stats[1]).toEqual(expected({ n: 2 }));
  });
});

describe('multivariate experiments', () => {
  it('builds the full factorial and recovers main effects and the interaction', () => {
    const definition = defineExperiment({
      key: 'landing',
      type: 'multivariate',
      factors: [
        { key: 'layout', levels: ['list', 'grid'] },
        { key: 'color', levels: ['blue', 'red'] },
      ],
      metrics: [{ key: 'signup', type: 'conversion', event: 'Signed Up' }],
      analysis: { sequential: false },
    });
    expect(definition.variations.map((v) => v.key)).toEqual([
      'layout=list&color=blue',
      'layout=list&color=red',
      'layout=grid&color=blue',
      'layout=grid&color=red',
    ]);
    const rates = [0.1, 0.1, 0.12, 0.16];
    const n = 100_000;
    const stats = rates.map((rate) => {
      const conversions = Math.round(rate * n);
      return { ...emptyMetricStats(), n, sum: conversions, sumSquares: conversions };
    });
    const results = analyzeExperiment(definition, {
      experimentKey: 'landing',
      variations: definition.variations.map((v) => ({ key: v.key, units: n })),
      metrics: [{ key: 'signup', role: 'goal', stats }],
      multipleExposures: 0,
      scannedEvents: 0,
    });
    const effect = (term: string) => results.factorial?.find((e) => e.term === term);
    expect(effect('layout=grid')?.effect).toBeCloseTo((0.12 + 0.16) / 2 - 0.1, 10);
    expect(effect('color=red')?.effect).toBeCloseTo((0.1 + 0.16) / 2 - (0.1 + 0.12) / 2, 10);
    expect(effect('layout=grid × color=red')?.effect).toBeCloseTo(0.16 - 0.12 - 0.1 + 0.1, 10);
    expect(effect('layout=grid × color=red')?.pValue).toBeLessThan(1e-6);
    // Var of the interaction contrast = Σ var_i (coefficients ±1), each p(1 − p)/n.
    const variance = rates.reduce((s, p) => s + (p * (1 - p)) / (n - 1), 0);
    expect(effect('layout=grid × color=red')?.standardError).toBeCloseTo(Math.sqrt(variance), 8);
    expect(results.recommendation.decision).toBe('ship');
    expect(results.recommendation.variation).toBe('layout=grid&color=red');
  });
});
