import { type CxEvent, normalizeEvent, seededRandom } from '@cx/core';
import type { JourneyMap } from '../../src/maps';

export const WORKSPACE = 'shop';
export const FROM = Date.parse('2025-03-01T00:00:00Z');
export const TO = Date.parse('2025-04-01T00:00:00Z');
const MINUTE = 60_000;

/**
 * A shop's map. Retention is a second `Order Completed`: the funnel only moves on at a later event,
 * so the first order reaches purchase and the second reaches retention. Advocacy is an NPS answer
 * of 9 or 10; its emotion is the NPS of every NPS answer in the period.
 */
export const shopMap: JourneyMap = {
  id: 'shop',
  name: 'Online shop',
  stages: [
    {
      id: 'aware',
      name: 'Awareness',
      kind: 'awareness',
      emotion: { source: 'manual', score: 1 },
      touchpoints: [
        {
          id: 'campaign-landing',
          name: 'Campaign landing page',
          channel: 'web',
          events: [{ event: 'Page Viewed', where: { utm_campaign: { $exists: true } } }],
        },
      ],
    },
    {
      id: 'consider',
      name: 'Consideration',
      kind: 'consideration',
      touchpoints: [
        { id: 'pdp', name: 'Product page', channel: 'web', events: [{ event: 'Product Viewed' }] },
      ],
    },
    {
      id: 'decide',
      name: 'Decision',
      kind: 'decision',
      painPoints: ['Shipping costs shown late'],
      emotion: { source: 'manual', score: -1 },
      touchpoints: [
        { id: 'cart', name: 'Cart', channel: 'web', events: [{ event: 'Cart Updated' }] },
        {
          id: 'checkout',
          name: 'Checkout',
          channel: 'web',
          events: [{ event: 'Checkout Started' }],
          journeyNodes: [{ journeyId: 'abandoned-cart', node: 'push' }],
        },
      ],
    },
    {
      id: 'buy',
      name: 'Purchase',
      kind: 'purchase',
      touchpoints: [{ id: 'order', name: 'Order', events: [{ event: 'Order Completed' }] }],
    },
    {
      id: 'return',
      name: 'Retention',
      kind: 'retention',
      touchpoints: [
        {
          id: 'repeat-order',
          name: 'Repeat order',
          channel: 'email',
          events: [{ event: 'Order Completed' }],
        },
      ],
    },
    {
      id: 'advocate',
      name: 'Advocacy',
      kind: 'advocacy',
      emotion: { source: 'survey', survey: { where: { question: 'nps' }, metric: 'nps' } },
      touchpoints: [
        {
          id: 'nps-promoter',
          name: 'Recommends us',
          events: [{ event: 'Survey Responded', where: { question: 'nps', score: { $gte: 9 } } }],
        },
      ],
    },
  ],
};

/** A track event as the pipeline stores it. */
export function track(
  userId: string,
  event: string,
  at: number,
  properties: Record<string, unknown> = {},
): CxEvent {
  const timestamp = new Date(at).toISOString();
  return normalizeEvent({ type: 'track', event, userId, timestamp, properties }, { receivedAt: at });
}

/** Generated shop traffic with what the map must measure, tallied as it is generated. */
export interface ShopTraffic {
  events: CxEvent[];
  /** People per stage: those whose generated path got at least that far. */
  reached: number[];
  /** Per stage after the first: each person's ms from the previous stage. */
  gaps: number[][];
  /** Every NPS answer in the period. */
  npsScores: number[];
}

/**
 * `people` shoppers, each going a random depth (0 … 6 stages) into the map, with noise the
 * funnel must ignore: page views without a campaign, product views before the campaign visit,
 * events before the period, off-funnel detractor answers.
 */
export function shopTraffic(seed: number, people: number): ShopTraffic {
  const random = seededRandom(seed);
  const events: CxEvent[] = [];
  const reached = [0, 0, 0, 0, 0, 0];
  const gaps: number[][] = [[], [], [], [], [], []];
  const npsScores: number[] = [];
  for (let i = 0; i < people; i++) {
    const user = `u${i}`;
    const depth = random.int(7);
    let at = FROM + 2 * 86_400_000 + i * 7 * MINUTE;
    if (random() < 0.3) events.push(track(user, 'Page Viewed', at - 5 * MINUTE, { path: '/' }));
    if (random() < 0.2) events.push(track(user, 'Product Viewed', at - 3 * MINUTE, { sku: 'early' }));
    // Before the period: this campaign visit must not start an attempt.
    if (depth === 0 && random() < 0.5)
      events.push(track(user, 'Page Viewed', FROM - 86_400_000, { utm_campaign: 'winter' }));
    if (depth === 0 && random() < 0.5) events.push(track(user, 'Product Viewed', at, { sku: 'a1' }));
    const steps: [string, Record<string, unknown>][] = [
      ['Page Viewed', { utm_campaign: 'spring', path: '/sale' }],
      ['Product Viewed', { sku: 'a1' }],
      [random() < 0.5 ? 'Cart Updated' : 'Checkout Started', { cartId: `c${i}` }],
      ['Order Completed', { orderId: `o${i}`, total: 42 }],
      ['Order Completed', { orderId: `o${i}b`, total: 17 }],
      ['Survey Responded', { survey: 'relationship', question: 'nps', score: 9 + random.int(2) }],
    ];
    for (let k = 0; k < depth; k++) {
      const gap = k === 0 ? 0 : (1 + random.int(180)) * MINUTE;
      at += gap;
      events.push(track(user, steps[k]![0], at, steps[k]![1]));
      reached[k]!++;
      if (k > 0) gaps[k]!.push(gap);
      if (k === 5) npsScores.push(steps[k]![1].score as number);
    }
    // Buyers who stop before advocacy may still answer, as passives or detractors.
    if (depth >= 4 && depth < 6 && random() < 0.5) {
      const score = random.int(9);
      events.push(
        track(user, 'Survey Responded', at + MINUTE, { survey: 'relationship', question: 'nps', score }),
      );
      npsScores.push(score);
    }
  }
  return { events, reached, gaps, npsScores };
}

/** Nearest-rank median, as `@cx/metrics` reports it. */
export function nearestRankMedian(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.5 * sorted.length) - 1]!;
}
