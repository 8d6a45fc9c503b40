import { isCxError, ManualClock, memoryStorage, normalizeEvent, type ValidationError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  analyzeExperiment,
  collectExperimentData,
  compileExperiment,
  createStickyAssigner,
  defineExperiment,
  EXPOSURE_EVENT,
  type ExperimentInput,
  exposureEvent,
  formatResultsTable,
  getBucketRanges,
  loadExperiment,
  recordExposure,
  saveExperiment,
  splitUrlRedirect,
  toAssignmentConfig,
} from '../src';
import { seededRandom } from './helpers/random';

const WS = 'acme';
const START = Date.parse('2026-03-01T00:00:00Z');

const checkout: ExperimentInput = {
  key: 'checkout-button',
  type: 'ab',
  variations: [{ key: 'control' }, { key: 'green' }, { key: 'red' }],
  condition: { country: { $in: ['VN', 'TH'] } },
  metrics: [
    { key: 'purchase', type: 'conversion', event: 'Order Completed', windowHours: 72 },
    { key: 'revenue', type: 'revenue', event: 'Order Completed' },
  ],
  guardrails: [{ key: 'errors', type: 'count', event: 'Error Shown', higherIsBetter: false }],
  analysis: { sequential: false },
};

function codes(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    return (error as ValidationError).issues.map((issue) => issue.path);
  }
  throw new Error('expected a ValidationError');
}

describe('defineExperiment rejects bad input with typed errors', () => {
  it('weights that do not sum to 1', () => {
    expect(codes(() => defineExperiment({ ...checkout, weights: [0.5, 0.3, 0.3] }))).toEqual(['weights']);
    // GrowthBook's documented fallback for the same weights during assignment: equal weights.
    expect(getBucketRanges(3, 1, [0.5, 0.3, 0.3])).toEqual(getBucketRanges(3, 1));
  });
  it('zero variations', () => {
    expect(codes(() => defineExperiment({ ...checkout, variations: [] }))).toEqual(['variations']);
    // GrowthBook's fallback: an experiment with fewer than two variations assigns nobody.
    const result = compileExperiment({ key: 'empty', variations: [] }).assign({ attributes: { id: 'u1' } });
    expect(result.inExperiment).toBe(false);
    expect(result.reason).toBe('too-few-variations');
  });
  it('negative coverage', () => {
    expect(codes(() => defineExperiment({ ...checkout, coverage: -0.1 }))).toEqual(['coverage']);
    // GrowthBook's fallback: coverage is clamped to 0, so nobody is included.
    expect(getBucketRanges(2, -0.1)).toEqual([
      [0, 0],
      [0.5, 0.5],
    ]);
  });
  it('a condition with an unknown operator', () => {
    expect(codes(() => defineExperiment({ ...checkout, condition: { country: { $inn: ['VN'] } } }))).toEqual([
      'condition.country.$inn',
    ]);
    expect(() =>
      compileExperiment({ key: 'x', variations: [0, 1], condition: { a: { $inn: [1] } } }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
  it('split-URL variations without URLs, ratio metrics without denominators, duplicate keys', () => {
    expect(codes(() => defineExperiment({ ...checkout, type: 'split-url' }))).toEqual([
      'variations[0].url',
      'variations[1].url',
      'variations[2].url',
    ]);
    expect(
      codes(() => defineExperiment({ ...checkout, metrics: [{ key: 'rps', type: 'ratio', event: 'x' }] })),
    ).toEqual(['metrics[0].denominator']);
    expect(codes(() => defineExperiment({ ...checkout, variations: [{ key: 'a' }, { key: 'a' }] }))).toEqual([
      'variations[1].key',
    ]);
  });
});

describe('an A/B/n experiment end to end', () => {
  it('assigns, records exposures once per person, reads metrics from the event store and recommends', async () => {
    const clock = new ManualClock(START);
    const storage = memoryStorage({ clock });
    await saveExperiment(storage, WS, checkout);
    const definition = await loadExperiment(storage, WS, 'checkout-button');
    const compiled = compileExperiment(toAssignmentConfig(definition));
    const random = seededRandom(21);
    const trueRates = { control: 0.1, green: 0.14, red: 0.1 };
    const events: unknown[] = [];
    let recordedTwice = 0;
    for (let i = 0; i < 9000; i++) {
      const userId = `user-${i}`;
      const country = i % 10 === 0 ? 'US' : 'VN';
      const result = compiled.assign({ attributes: { id: userId, country } });
      if (!result.inExperiment) {
        expect(country).toBe('US');
        continue;
      }
      const at = START + i * 1000;
      const first = await recordExposure(storage, WS, {
        experimentKey: definition.key,
        result,
        identity: { userId },
        timestamp: new Date(at).toISOString(),
      });
      expect(first.recorded).toBe(true);
      if (i % 50 === 1) {
        const again = await recordExposure(storage, WS, {
          experimentKey: definition.key,
          result,
          identity: { userId },
        });
        expect(again.recorded).toBe(false);
        recordedTwice++;
      }
      const variation = result.key as keyof typeof trueRates;
      // A purchase before exposure must not count.
      if (i % 97 === 0) {
        events.push({
          type: 'track',
          event: 'Order Completed',
          userId,
          timestamp: new Date(at - 60_000).toISOString(),
          properties: { revenue: 999 },
        });
      }
      if (random() < trueRates[variation]) {
        events.push({
          type: 'track',
          event: 'Order Completed',
          userId,
          timestamp: new Date(at + 3_600_000).toISOString(),
          properties: { revenue: 20 + random() * 40 },
        });
      }
      if (random() < (variation === 'red' ? 0.3 : 0.05)) {
        events.push({
          type: 'track',
          event: 'Error Shown',
          userId,
          timestamp: new Date(at + 60_000).toISOString(),
        });
      }
    }
    expect(recordedTwice).toBeGreaterThan(100);
    for (let i = 0; i < events.length; i += 1000) {
      const batch = events.slice(i, i + 1000).map((e) => normalizeEvent(e, { receivedAt: START }));
      await storage.events.append(WS, batch);
    }

    const data = await collectExperimentData(storage, WS, definition);
    const totalUnits = data.variations.reduce((s, v) => s + v.units, 0);
    expect(totalUnits).toBe(8100);
    const results = analyzeExperiment(definition, data);
    expect(results.srm.mismatch).toBe(false);
    const purchase = results.metrics[0];
    const green = purchase?.comparisons.find((c) => c.variation === 'green');
    expect(purchase?.control.value).toBeGreaterThan(0.085);
    expect(purchase?.control.value).toBeLessThan(0.115);
    expect(green?.direction).toBe('better');
    expect(green?.chanceToWin).toBeGreaterThan(0.99);
    const errors = results.metrics.find((m) => m.key === 'errors');
    expect(errors?.comparisons.find((c) => c.variation === 'red')?.direction).toBe('worse');
    expect(results.recommendation.decision).toBe('ship');
    expect(results.recommendation.variation).toBe('green');
    const table = formatResultsTable(results);
    expect(table).toContain('purchase');
    expect(table).toContain('errors (guardrail)');
    expect(table).toContain('Recommendation: ship green');
    expect(table.split('\n').length).toBe(2 + 1 + 3 * 3 + 2);
  });

  it('flags a sample ratio mismatch and refuses to recommend', async () => {
    const storage = memoryStorage({ clock: new ManualClock(START) });
    const definition = defineExperiment({ ...checkout, condition: undefined });
    const batch = [];
    for (let i = 0; i < 3000; i++) {
      const variation = i % 5 === 0 ? 'red' : i % 2 === 0 ? 'control' : 'green';
      batch.push(
        normalizeEvent(
          exposureEvent({
            experimentKey: definition.key,
            result: {
              inExperiment: true,
              key: variation,
              variationId: 0,
              hashAttribute: 'id',
              hashValue: `u${i}`,
            },
            identity: { userId: `u${i}` },
          }),
          { receivedAt: START },
        ),
      );
    }
    await storage.events.append(WS, batch);
    const results = analyzeExperiment(definition, await collectExperimentData(storage, WS, definition));
    expect(results.srm.mismatch).toBe(true);
    expect(results.recommendation.decision).toBe('investigate-srm');
  });

  it('stops for futility when no treatment can reach the minimum lift', () => {
    const definition = defineExperiment({
      ...checkout,
      variations: [{ key: 'control' }, { key: 'b' }],
      guardrails: [],
      metrics: [{ key: 'purchase', type: 'conversion', event: 'Order Completed' }],
      analysis: { sequential: false, minimumLift: 0.05 },
    });
    const stats = (n: number, conversions: number) => ({
      n,
      sum: conversions,
      sumSquares: conversions,
      covariateSum: 0,
      covariateSumSquares: 0,
      covariateCrossSum: 0,
      denominatorSum: 0,
      denominatorSumSquares: 0,
      ratioCrossSum: 0,
    });
    const results = analyzeExperiment(definition, {
      experimentKey: definition.key,
      variations: [
        { key: 'control', units: 200_000 },
        { key: 'b', units: 200_000 },
      ],
      metrics: [{ key: 'purchase', role: 'goal', stats: [stats(200_000, 20_000), stats(200_000, 20_050)] }],
      multipleExposures: 0,
      scannedEvents: 0,
    });
    expect(results.recommendation.decision).toBe('stop-for-futility');
    expect(results.recommendation.variation).toBe('control');
  });
});

describe('exposures', () => {
  it('count a person once even when the variation is shown on several servers at once', async () => {
    const storage = memoryStorage();
    const result = compileExperiment({ key: 'hero', variations: ['a', 'b'], hashVersion: 2 }).assign({
      attributes: { id: 'u1' },
    });
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        recordExposure(storage, WS, { experimentKey: 'hero', result, identity: { userId: 'u1' } }),
      ),
    );
    expect(outcomes.filter((o) => o.recorded)).toHaveLength(1);
    const page = await storage.events.scan(WS);
    expect(page.items.filter((e) => e.type === 'track' && e.event === EXPOSURE_EVENT)).toHaveLength(1);
  });

  it('refuse users who are not in the experiment', () => {
    expect(() =>
      exposureEvent({
        experimentKey: 'hero',
        result: { inExperiment: false, key: '0', variationId: 0, hashAttribute: 'id', hashValue: 'u1' },
        identity: { userId: 'u1' },
      }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

describe('sticky bucketing through the document store', () => {
  it('keeps a user in their variation when the weights change, until the bucket version is bumped', async () => {
    const storage = memoryStorage();
    const sticky = createStickyAssigner({ storage, workspaceId: WS });
    const base = defineExperiment({
      ...checkout,
      condition: undefined,
      variations: [{ key: 'a' }, { key: 'b' }],
    });
    const before = compileExperiment(toAssignmentConfig({ ...base, weights: [0.99, 0.01] }));
    const after = compileExperiment(toAssignmentConfig({ ...base, weights: [0.01, 0.99] }));
    const bumped = compileExperiment(
      toAssignmentConfig({ ...base, weights: [0.01, 0.99], bucketVersion: 1 }),
    );
    let kept = 0;
    let moved = 0;
    for (let i = 0; i < 200; i++) {
      const attributes = { id: `u${i}` };
      const first = await sticky.assign(before, { attributes });
      const second = await sticky.assign(after, { attributes });
      expect(second.variationId).toBe(first.variationId);
      if (second.stickyBucketUsed) kept++;
      const third = await sticky.assign(bumped, { attributes });
      if (third.variationId !== first.variationId) moved++;
    }
    expect(kept).toBe(200);
    expect(moved).toBeGreaterThan(150);
    const docs = await storage.documents.list(WS, 'abtest.sticky-buckets');
    expect(docs.items).toHaveLength(100);
  });
});

describe('split-URL experiments', () => {
  it('redirects to the assigned URL and keeps the query string', () => {
    const definition = defineExperiment({
      ...checkout,
      type: 'split-url',
      condition: undefined,
      variations: [
        { key: 'control', url: 'https://shop.vn/landing' },
        { key: 'b', url: 'https://shop.vn/landing-b?layout=2' },
      ],
    });
    const compiled = compileExperiment(toAssignmentConfig(definition));
    let redirected = 0;
    for (let i = 0; i < 200; i++) {
      const result = compiled.assign({ attributes: { id: `u${i}` } });
      const decision = splitUrlRedirect(result, 'https://shop.vn/landing/?utm_source=zalo&layout=1');
      if (result.key === 'control') expect(decision.redirect).toBe(false);
      else {
        redirected++;
        expect(decision).toEqual({
          redirect: true,
          url: 'https://shop.vn/landing-b?layout=2&utm_source=zalo',
        });
      }
    }
    expect(redirected).toBeGreaterThan(70);
  });
});
