import type { PurchaseTotals } from './purchase-totals';
import type { RfmMeasures } from './score-rfm';

const DAY = 86_400_000;

/**
 * Rounds revenue to 6 decimal places, so the order in which purchases were summed (append order,
 * merged profiles) never moves a total across a cut point by a last-bit difference.
 */
export function roundMoney(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * A profile's RFM measures as of `asOfMs`: recency in whole days since the last purchase
 * (rounded down: a purchase 36 hours ago is 1 day), frequency the number of orders, monetary
 * the total revenue or its mean per order.
 */
export function toMeasures(
  profileId: string,
  totals: PurchaseTotals,
  asOfMs: number,
  monetary: 'total' | 'average',
): RfmMeasures {
  const value = monetary === 'total' ? totals.revenue : totals.revenue / totals.orders;
  return {
    profileId,
    recencyDays: Math.floor((asOfMs - totals.lastAt) / DAY),
    frequency: totals.orders,
    monetary: roundMoney(value),
  };
}
