import { type CxEvent, isCxError, normalizeEvent } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { cohortRetention, repeatPurchases } from '../src';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-05T12:00:00.000Z'); // a Monday
let n = 0;
const track = (userId: string, event: string, day: number): CxEvent =>
  normalizeEvent(
    { type: 'track', event, userId, messageId: `r${n++}`, timestamp: new Date(T0 + day * DAY).toISOString() },
    { receivedAt: 0 },
  );

const events = [
  track('a', 'Signed Up', 0),
  track('a', 'Order Completed', 7),
  track('a', 'Order Completed', 21),
  track('b', 'Signed Up', 1),
  track('b', 'Order Completed', 14),
  track('c', 'Signed Up', 8),
  track('c', 'Order Completed', 9),
  track('c', 'Signed Up', 15),
];

describe('cohort retention', () => {
  const base = {
    startEvent: 'Signed Up',
    returnEvent: 'Order Completed',
    bucket: 'week',
    periods: 3,
  } as const;

  it('first-time cohorts, "on"', () => {
    const table = cohortRetention(events, base);
    // Week of Jan 5: a (back in weeks 1 and 3), b (back in week 2). Week of Jan 12: c (same week only).
    expect(table.rows).toEqual([
      { cohort: '2026-01-05', size: 2, retained: [2, 1, 1, 1], rates: [1, 0.5, 0.5, 0.5] },
      { cohort: '2026-01-12', size: 1, retained: [1, 0, 0, 0], rates: [1, 0, 0, 0] },
    ]);
    // Week 3 is only reached by the first cohort (the last event is in week 3 of it).
    expect(table.average).toEqual([1, 1 / 3, 1 / 3, 0.5]);
  });

  it('"on or after" and recurring cohorts', () => {
    const onOrAfter = cohortRetention(events, { ...base, measure: 'on-or-after' });
    expect(onOrAfter.rows[0]!.retained).toEqual([2, 2, 2, 1]);
    const recurring = cohortRetention(events, { ...base, cohort: 'recurring' });
    // c signed up in weeks of Jan 12 and Jan 19: one entry in each cohort.
    expect(recurring.rows.map((row) => [row.cohort, row.size])).toEqual([
      ['2026-01-05', 2],
      ['2026-01-12', 1],
      ['2026-01-19', 1],
    ]);
    const daily = cohortRetention(events, { ...base, bucket: 'day', periods: 1 });
    expect(daily.rows[0]).toMatchObject({ cohort: '2026-01-05', size: 1 });
  });

  it('rejects bad definitions', () => {
    expect(() => cohortRetention(events, { periods: 0 })).toThrowError(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });
});

describe('repeat purchases', () => {
  it('rate and frequency', () => {
    const result = repeatPurchases(events);
    expect(result).toMatchObject({
      customers: 3,
      purchases: 4,
      repeatCustomers: 1,
      distribution: { '1': 2, '2': 1 },
    });
    expect(result.repeatPurchaseRate).toBeCloseTo(1 / 3, 12);
    expect(result.purchaseFrequency).toBeCloseTo(4 / 3, 12);
    expect(repeatPurchases([])).toMatchObject({ customers: 0, repeatPurchaseRate: null });
    try {
      repeatPurchases(events, { purchaseEvent: '' });
      expect.unreachable();
    } catch (error) {
      expect(isCxError(error, 'VALIDATION')).toBe(true);
    }
  });
});
