import { isCxError, memoryStorage, normalizeEvent } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  breakdownSurvey,
  ces,
  cesAgreement,
  compareNps,
  csat,
  dimensions,
  nps,
  readSurveyResponses,
  resolveScale,
  type SurveyResponse,
  surveyTrend,
} from '../src';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isCxError(error) ? error.code : 'not a CxError';
  }
  return undefined;
}

describe('nps', () => {
  // 5 promoters (9, 9, 9, 10, 10), 3 passives (7, 8, 8), 2 detractors (3, 6).
  const scores = [10, 9, 9, 8, 7, 6, 3, 10, 9, 8];

  it('is %promoters − %detractors with the adjusted-Wald interval', () => {
    const result = nps(scores);
    expect(result).toMatchObject({ n: 10, promoters: 5, passives: 3, detractors: 2, score: 30 });
    // n' = 13, p+ = 5.75/13, p- = 2.75/13, NPS' = 3/13 = 0.230769, Var = (8.5/13 − NPS'²)/13 = 0.0461994,
    // half-width 1.959964 × 0.214940 = 0.421275.
    expect(result.interval!.low).toBeCloseTo(-19.0506, 3);
    expect(result.interval!.high).toBeCloseTo(65.2045, 3);
    expect(result.interval!.level).toBe(0.95);
  });

  it('handles no responses, one response and all promoters', () => {
    expect(nps([])).toMatchObject({ n: 0, score: null, interval: null });
    const one = nps([10]);
    expect(one.score).toBe(100);
    // n' = 4, p+ = 1.75/4, p- = 0.75/4: NPS' = 0.25, Var = (0.625 − 0.0625)/4.
    expect(one.interval!.low).toBeCloseTo(-48.4986, 3);
    expect(one.interval!.high).toBeCloseTo(98.4986, 3);
    const all = nps(new Array(20).fill(9));
    expect(all.score).toBe(100);
    expect(all.interval!.low).toBeCloseTo(69.6833, 3);
    expect(all.interval!.high).toBe(100); // clipped at the top of the scale
  });

  it('rejects scores outside 0–10 and non-integers', () => {
    expect(codeOf(() => nps([11]))).toBe('VALIDATION');
    expect(codeOf(() => nps([-1]))).toBe('VALIDATION');
    expect(codeOf(() => nps([7.5]))).toBe('VALIDATION');
    expect(codeOf(() => nps([9], { level: 2 }))).toBe('VALIDATION');
  });

  it('tests a change between two periods', () => {
    const later = [...new Array(30).fill(10), ...new Array(20).fill(8), ...new Array(10).fill(2)];
    const change = compareNps(scores, later);
    // Adjusted NPS 3/13 → (30.75 − 10.75)/63; z = 0.08669 / √(0.0461994 + Var₂).
    expect(change.difference).toBeCloseTo(8.6691, 3);
    expect(change.z).toBeCloseTo(0.36947, 3);
    expect(change.pValue).toBeCloseTo(0.71178, 3);
    expect(change.interval.low).toBeCloseTo(-37.3194, 2);
    expect(change.interval.high).toBeCloseTo(54.6576, 2);
    expect(change.significant).toBe(false);
    expect(codeOf(() => compareNps([], later))).toBe('VALIDATION');
  });
});

describe('csat', () => {
  it('reports top-two-box with a Wilson interval and the mean', () => {
    const result = csat([7, 6, 5, 7, 2], { scale: 'csat-7' });
    expect(result).toMatchObject({ n: 5, satisfied: 3, topTwoBox: 0.6, mean: 5.4 });
    expect(result.topTwoBoxInterval!.low).toBeCloseTo(0.230724, 5);
    expect(result.topTwoBoxInterval!.high).toBeCloseTo(0.882379, 5);
    // s = 2.073644, 1.959964 × s / √5 = 1.817596.
    expect(result.meanInterval!.low).toBeCloseTo(3.582404, 5);
    expect(result.meanInterval!.high).toBeCloseTo(7.217596, 5);
  });

  it('uses 4–5 as the top two boxes on the 1–5 scale', () => {
    expect(csat([5, 4, 3, 2, 1], { scale: 'csat-5' })).toMatchObject({
      satisfied: 2,
      topTwoBox: 0.4,
      mean: 3,
    });
    expect(codeOf(() => csat([6], { scale: 'csat-5' }))).toBe('VALIDATION');
  });

  it('edge cases: none and one', () => {
    expect(csat([])).toMatchObject({ n: 0, topTwoBox: null, mean: null, meanInterval: null });
    expect(csat([7])).toMatchObject({ n: 1, topTwoBox: 1, mean: 7, meanInterval: null });
  });

  it('accepts a custom scale as data and rejects a bad one', () => {
    const scale = { id: 'stars', min: 1, max: 10, positive: { from: 9, to: 10 } };
    expect(csat([10, 9, 1, 5], { scale }).topTwoBox).toBe(0.5);
    expect(codeOf(() => csat([1], { scale: { ...scale, min: 11 } }))).toBe('VALIDATION');
    expect(codeOf(() => resolveScale('no-such-scale'))).toBe('VALIDATION');
  });
});

describe('ces', () => {
  it('is the brief formula %(very easy + easy) − %(difficult + very difficult)', () => {
    // 1 very easy ×2, 2 easy ×1, 3 neither ×1, 4 difficult ×1: (3 − 1)/5 = 40.
    const result = ces([1, 1, 2, 3, 4]);
    expect(result).toMatchObject({ n: 5, easy: 3, neutral: 1, difficult: 1, score: 40 });
    expect(result.interval!.low).toBeCloseTo(-29.7827, 3);
    expect(result.interval!.high).toBeCloseTo(79.7827, 3);
    expect(ces([5, 5, 4]).score).toBe(-100);
    expect(ces([]).score).toBeNull();
    expect(ces([3]).score).toBe(0);
    expect(codeOf(() => ces([0]))).toBe('VALIDATION');
  });

  it('CES 2.0: mean and share agreeing on 1–7', () => {
    const result = cesAgreement([7, 6, 5, 4, 1]);
    expect(result).toMatchObject({ n: 5, agreeing: 3, agreeShare: 0.6, mean: 4.6 });
    expect(codeOf(() => cesAgreement([8]))).toBe('VALIDATION');
  });
});

function response(
  score: number,
  timestamp: string,
  properties: Record<string, unknown>,
  profileId = 'p1',
): SurveyResponse {
  return {
    messageId: `${timestamp}-${score}`,
    timestamp: Date.parse(timestamp),
    profileId,
    userId: null,
    survey: 's',
    question: 'nps',
    score,
    touchpoint: (properties.touchpoint as string) ?? null,
    channel: null,
    comment: null,
    properties,
    context: { location: { country: properties.country } },
  };
}

describe('breakdowns and trends', () => {
  const responses = [
    response(10, '2026-01-05T10:00:00.000Z', { touchpoint: 'store', country: 'VN' }, 'a'),
    response(9, '2026-01-06T10:00:00.000Z', { touchpoint: 'store', country: 'VN' }, 'b'),
    response(3, '2026-01-20T10:00:00.000Z', { touchpoint: 'web', country: 'SG' }, 'a'),
    response(8, '2026-02-02T10:00:00.000Z', { touchpoint: 'web' }, 'c'),
  ];

  it('splits by touchpoint, geography and month', () => {
    const result = breakdownSurvey(responses, {
      metric: { kind: 'nps' },
      dimensions: [dimensions.touchpoint],
    });
    expect(result.overall.n).toBe(4);
    expect(
      result.rows.map((row) => [row.key, row.result.n, (row.result as { score: number }).score]),
    ).toEqual([
      [['store'], 2, 100],
      [['web'], 2, -50],
    ]);
    const byCountry = breakdownSurvey(responses, {
      metric: { kind: 'nps' },
      dimensions: [dimensions.geography],
    });
    expect(byCountry.rows.map((row) => row.key[0])).toEqual(['(none)', 'SG', 'VN']);
    const byMonth = breakdownSurvey(responses, { metric: { kind: 'nps' }, dimensions: [dimensions.month] });
    expect(byMonth.rows.map((row) => [row.key[0], row.result.n])).toEqual([
      ['2026-01-01', 3],
      ['2026-02-01', 1],
    ]);
  });

  it('takes traits and external dimensions such as segment membership', () => {
    const traits = new Map([
      ['a', { plan: 'pro' }],
      ['b', { plan: 'free' }],
    ]);
    const byPlan = breakdownSurvey(
      responses,
      { metric: { kind: 'nps' }, dimensions: [{ kind: 'trait', name: 'plan' }] },
      { traits },
    );
    expect(byPlan.rows.map((row) => [row.key[0], row.result.n])).toEqual([
      ['(none)', 1],
      ['free', 1],
      ['pro', 2],
    ]);
    const segments: Record<string, string[]> = { a: ['vip', 'new'], b: ['new'] };
    const bySegment = breakdownSurvey(
      responses,
      { metric: { kind: 'nps' }, dimensions: [dimensions.segment] },
      { resolvers: { segment: (r) => segments[r.profileId!] ?? null } },
    );
    expect(bySegment.rows.map((row) => [row.key[0], row.result.n])).toEqual([
      ['(none)', 1],
      ['new', 3],
      ['vip', 2],
    ]);
    expect(
      codeOf(() => breakdownSurvey(responses, { metric: { kind: 'nps' }, dimensions: [dimensions.segment] })),
    ).toBe('VALIDATION');
  });

  it('trends by week with a test against the previous week', () => {
    const trend = surveyTrend(responses, { metric: { kind: 'nps' }, bucket: 'week' });
    expect(trend.map((point) => [point.bucket, point.result.n])).toEqual([
      ['2026-01-05', 2],
      ['2026-01-19', 1],
      ['2026-02-02', 1],
    ]);
    expect(trend[0]!.change).toBeNull();
    expect(trend[1]!.change!.difference).toBeLessThan(0);
  });

  it('rejects a score outside the metric scale in any cell', () => {
    const bad = [...responses, response(12, '2026-02-03T00:00:00.000Z', { touchpoint: 'web' })];
    expect(codeOf(() => breakdownSurvey(bad, { metric: { kind: 'nps' } }))).toBe('VALIDATION');
  });
});

describe('readSurveyResponses', () => {
  it('reads the Survey Responded convention and reports answers that break it', async () => {
    const storage = memoryStorage();
    const track = (properties: Record<string, unknown>, userId = 'u1') =>
      normalizeEvent({ type: 'track', event: 'Survey Responded', userId, properties }, { receivedAt: 0 });
    await storage.events.append('acme', [
      track({ survey: 'post-support', question: 'nps', score: 9, touchpoint: 'chat', channel: 'web' }),
      track({ survey: 'post-support', question: 'csat', score: 6 }),
      track({ survey: 'post-support', question: 'nps', score: 'nine' }),
      normalizeEvent({ type: 'track', event: 'Order Completed', userId: 'u1' }, { receivedAt: 0 }),
    ]);
    const { responses, invalid } = await readSurveyResponses(storage, 'acme', { question: 'nps' });
    expect(responses.map((r) => [r.score, r.touchpoint, r.channel])).toEqual([[9, 'chat', 'web']]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.issues[0]!.path).toBe('score');
  });
});
