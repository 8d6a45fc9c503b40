import type { CxEvent, Page, Storage } from '@cx/core';

/** One profile's purchases up to an as-of time. */
export interface PurchaseTotals {
  /** Number of purchase events: every order counts, several on one day too. */
  orders: number;
  /** Sum of the revenue of those orders. */
  revenue: number;
  /** Epoch ms of the latest purchase. */
  lastAt: number;
}

/** Which events are purchases and where their revenue is. */
export interface PurchaseSelection {
  /** The `track` event name of a purchase. */
  purchaseEvent: string;
  /** Property names tried in order; the first finite number is the revenue. */
  revenueProperties: readonly string[];
  /** Purchases at or before this time (epoch ms) count. */
  asOfMs: number;
}

const SCAN_PAGE = 10_000;

/** The revenue of a purchase: the first of `properties` holding a finite number, else 0. */
export function revenueOf(event: CxEvent, properties: readonly string[]): number {
  const bag = (event as { properties?: Record<string, unknown> }).properties;
  if (bag === undefined) return 0;
  for (const name of properties) {
    const value = bag[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return 0;
}

/** Adds `more` into `into` (the totals of two ids of one customer). */
export function addTotals(into: PurchaseTotals, more: PurchaseTotals): void {
  into.orders += more.orders;
  into.revenue += more.revenue;
  if (more.lastAt > into.lastAt) into.lastAt = more.lastAt;
}

/**
 * Scans a workspace's `track` events up to `asOfMs` (inclusive) and sums each profile's
 * purchases, by the `profileId` each event was stored under. Events without a profile are
 * skipped: nobody to score. Memory is one small record per purchasing profile.
 */
export async function collectPurchases(
  storage: Storage,
  workspaceId: string,
  selection: PurchaseSelection,
): Promise<Map<string, PurchaseTotals>> {
  const totals = new Map<string, PurchaseTotals>();
  const to = new Date(selection.asOfMs + 1);
  let cursor: string | null = null;
  do {
    const page: Page<CxEvent> = await storage.events.scan(workspaceId, {
      types: ['track'],
      to,
      limit: SCAN_PAGE,
      cursor,
    });
    for (const event of page.items) {
      if (event.type !== 'track' || event.event !== selection.purchaseEvent) continue;
      const profileId = event.profileId;
      if (profileId === null || profileId === undefined) continue;
      const at = Date.parse(event.timestamp);
      const revenue = revenueOf(event, selection.revenueProperties);
      const current = totals.get(profileId);
      if (current === undefined) totals.set(profileId, { orders: 1, revenue, lastAt: at });
      else addTotals(current, { orders: 1, revenue, lastAt: at });
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return totals;
}
