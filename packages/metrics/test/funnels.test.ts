import { type CxEvent, isCxError, memoryStorage, normalizeEvent } from '@cx/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStreamingFunnel, defineFunnel, nps, sqlFunnel, streamFunnel } from '../src';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const MIN = 60_000;
let id = 0;
function track(
  userId: string,
  event: string,
  minutes: number,
  properties: Record<string, unknown> = {},
): CxEvent {
  return normalizeEvent(
    {
      type: 'track',
      event,
      userId,
      properties,
      messageId: `e${id++}`,
      timestamp: new Date(T0 + minutes * MIN).toISOString(),
    },
    { receivedAt: 0 },
  );
}

async function codeOf(fn: () => unknown): Promise<{ code?: string; issues?: string[] }> {
  try {
    await fn();
  } catch (error) {
    if (!isCxError(error)) return { code: 'not a CxError' };
    const issues = (error as { issues?: { code: string }[] }).issues?.map((issue) => issue.code);
    return { code: error.code, ...(issues === undefined ? {} : { issues }) };
  }
  return {};
}

const events = [
  // a converts: 10 minutes per step.
  track('a', 'A', 0),
  track('a', 'B', 10),
  track('a', 'C', 20),
  // b does C before B: reaches B only.
  track('b', 'A', 0),
  track('b', 'C', 5),
  track('b', 'B', 10),
  // c never enters; d is too slow for the 1-hour window.
  track('c', 'B', 0),
  track('d', 'A', 0),
  track('d', 'B', 120),
];
const steps = [{ event: 'A' }, { event: 'B' }, { event: 'C' }];

describe('funnels by hand', () => {
  it('counts, conversion, drop-off and time to convert', () => {
    const funnel = createStreamingFunnel({ steps, windowMs: 60 * MIN });
    funnel.addAll(events);
    const result = funnel.result();
    expect(result.steps.map((s) => s.count)).toEqual([3, 2, 1]);
    expect(result.steps[1]).toMatchObject({
      conversionFromPrevious: 2 / 3,
      dropOff: 1,
      timeFromPrevious: { medianMs: 10 * MIN, p90Ms: 10 * MIN },
    });
    expect(result.steps[2]).toMatchObject({
      conversionFromPrevious: 0.5,
      conversionFromStart: 1 / 3,
      dropOff: 1,
    });
    expect(result).toMatchObject({
      entered: 3,
      converted: 1,
      conversionRate: 1 / 3,
      timeToConvert: { medianMs: 20 * MIN, p90Ms: 20 * MIN },
    });
    expect(result.biggestDropOff).toBe(1);
  });

  it('strict order needs each step to be the very next event', () => {
    const funnel = createStreamingFunnel({ steps, windowMs: 60 * MIN, order: 'strict' });
    funnel.addAll(events);
    expect(funnel.result().steps.map((s) => s.count)).toEqual([3, 1, 1]);
  });

  it('any order counts people who did k of the steps', () => {
    const funnel = createStreamingFunnel({ steps, windowMs: 60 * MIN, order: 'any' });
    funnel.addAll(events);
    // a and b did all three within the hour; d did one within any hour; c did one.
    expect(funnel.result().steps.map((s) => s.count)).toEqual([4, 2, 2]);
  });

  it('is incremental: results update as events arrive, in any order', () => {
    const funnel = createStreamingFunnel({ steps, windowMs: 60 * MIN });
    funnel.add(events[2]!);
    funnel.add(events[1]!);
    expect(funnel.result().entered).toBe(0);
    funnel.add(events[0]!); // arrives last, happened first
    expect(funnel.result().converted).toBe(1);
  });

  it('exclusions and held properties', () => {
    const cart = [
      track('e', 'A', 0, { cartId: 'x' }),
      track('e', 'B', 1, { cartId: 'y' }),
      track('e', 'B', 2, { cartId: 'x' }),
      track('f', 'A', 0),
      track('f', 'Removed', 1),
      track('f', 'B', 2),
    ];
    const held = createStreamingFunnel({
      steps: steps.slice(0, 2),
      windowMs: 60 * MIN,
      holdConstant: 'cartId',
    });
    held.addAll(cart);
    // e converts on cart x (B at minute 2); f has no cartId, so it is not counted.
    expect(held.result().steps[1]).toMatchObject({ count: 1, timeFromPrevious: { medianMs: 2 * MIN } });
    const excluded = createStreamingFunnel({
      steps: steps.slice(0, 2),
      windowMs: 60 * MIN,
      exclusions: [{ event: 'Removed' }],
    });
    excluded.addAll(cart);
    expect(excluded.result().steps.map((s) => s.count)).toEqual([2, 1]);
  });

  it('streams from storage through the scan port', async () => {
    const storage = memoryStorage();
    await storage.events.append('acme', events);
    const result = await streamFunnel(storage, 'acme', { steps, windowMs: 60 * MIN });
    expect(result.steps.map((s) => s.count)).toEqual([3, 2, 1]);
    expect((await codeOf(() => sqlFunnel(storage, 'acme', { steps, windowMs: 60 * MIN }))).code).toBe(
      'CONFIG',
    );
  });
});

describe('funnel validation', () => {
  it('rejects an empty funnel, a zero window and unknown steps', async () => {
    expect((await codeOf(() => defineFunnel({ steps: [], windowMs: 1000 }))).code).toBe('VALIDATION');
    expect((await codeOf(() => defineFunnel({ steps, windowMs: 0 }))).code).toBe('VALIDATION');
    expect(
      await codeOf(() =>
        defineFunnel({ steps, windowMs: 1000, exclusions: [{ event: 'X', between: [0, 7] }] }),
      ),
    ).toEqual({
      code: 'VALIDATION',
      issues: ['unknown_step'],
    });
    expect(
      (
        await codeOf(() =>
          createStreamingFunnel({ steps: [{ event: 'A', optional: true }, { event: 'B' }], windowMs: 1 }),
        )
      ).code,
    ).toBe('VALIDATION');
    expect(
      (await codeOf(() => defineFunnel({ steps: [{ event: 'A' }, { type: 'track' }], windowMs: 1 }))).code,
    ).toBe('VALIDATION');
    expect(
      (await codeOf(() => defineFunnel({ steps, windowMs: 1, order: 'any', exclusions: [{ event: 'X' }] })))
        .code,
    ).toBe('VALIDATION');
    expect(
      (await codeOf(() => streamFunnel(memoryStorage(), 'bad workspace!', { steps, windowMs: 1 }))).code,
    ).toBe('VALIDATION');
  });

  it('round-trips a definition through JSON', () => {
    const definition = defineFunnel({ steps, windowMs: 1000, breakdown: { property: 'utm_source' } });
    expect(defineFunnel(JSON.parse(JSON.stringify(definition)))).toEqual(definition);
  });
});

describe('timestamp decoding', () => {
  it('matches Date.parse on stored timestamps', async () => {
    const { parseTimestamp } = await import('../src/events/parse-timestamp');
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor((i * 7919 * 86_400_000 + i * 123_457) % 8e12) - 2e12;
      const iso = new Date(ms).toISOString();
      expect(parseTimestamp(iso)).toBe(Date.parse(iso));
    }
    expect(parseTimestamp('2026-01-01T00:00:00Z')).toBe(Date.parse('2026-01-01T00:00:00Z'));
  });
});

describe('properties', () => {
  it('a streaming funnel does not depend on arrival order when timestamps differ', () => {
    const definition = { steps, windowMs: 60 * MIN } as const;
    const expected = createStreamingFunnel(definition);
    expected.addAll(events);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        (shuffled) => {
          const funnel = createStreamingFunnel(definition);
          funnel.addAll(shuffled);
          expect(funnel.result()).toEqual(expected.result());
        },
      ),
      { numRuns: 50 },
    );
  });

  it('NPS stays within −100 … 100 and counts every answer once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 300 }), (scores) => {
        const result = nps(scores);
        expect(result.score!).toBeGreaterThanOrEqual(-100);
        expect(result.score!).toBeLessThanOrEqual(100);
        expect(result.interval!.low).toBeLessThanOrEqual(result.interval!.high);
        expect(result.promoters + result.passives + result.detractors).toBe(scores.length);
      }),
    );
  });
});
