import { parseOrThrow } from '@cx/core';
import { z } from 'zod';

const purchaseSchema = z.object({
  customerId: z.string().min(1),
  timestamp: z.number().finite(),
  amount: z.number().finite(),
});

/** Historical value of one customer. */
export interface CustomerHistory {
  customerId: string;
  orders: number;
  revenue: number;
  averageOrderValue: number;
  firstPurchase: number;
  lastPurchase: number;
}

/** Historical value of a customer base. */
export interface HistoricalClv {
  customers: number;
  orders: number;
  revenue: number;
  /** revenue ÷ orders. */
  averageOrderValue: number | null;
  /** orders ÷ customers. */
  purchaseFrequency: number | null;
  /** revenue ÷ customers (= AOV × purchase frequency). */
  revenuePerCustomer: number | null;
  perCustomer: CustomerHistory[];
}

/**
 * Historical customer value: revenue, orders, average order value and purchase frequency per
 * customer and overall. Amounts may be negative (refunds) and count toward revenue.
 *
 * @example
 * ```ts
 * historicalClv([{ customerId: 'a', timestamp: 0, amount: 30 }, { customerId: 'a', timestamp: 1, amount: 10 }]);
 * // { customers: 1, orders: 2, revenue: 40, averageOrderValue: 20, purchaseFrequency: 2, ... }
 * ```
 */
export function historicalClv(purchases: readonly z.input<typeof purchaseSchema>[]): HistoricalClv {
  const rows = parseOrThrow(z.array(purchaseSchema), purchases, 'purchases');
  const byCustomer = new Map<string, CustomerHistory>();
  let revenue = 0;
  for (const row of rows) {
    revenue += row.amount;
    const current = byCustomer.get(row.customerId);
    if (current === undefined) {
      byCustomer.set(row.customerId, {
        customerId: row.customerId,
        orders: 1,
        revenue: row.amount,
        averageOrderValue: row.amount,
        firstPurchase: row.timestamp,
        lastPurchase: row.timestamp,
      });
    } else {
      current.orders++;
      current.revenue += row.amount;
      current.averageOrderValue = current.revenue / current.orders;
      current.firstPurchase = Math.min(current.firstPurchase, row.timestamp);
      current.lastPurchase = Math.max(current.lastPurchase, row.timestamp);
    }
  }
  const customers = byCustomer.size;
  const orders = rows.length;
  return {
    customers,
    orders,
    revenue,
    averageOrderValue: orders === 0 ? null : revenue / orders,
    purchaseFrequency: customers === 0 ? null : orders / customers,
    revenuePerCustomer: customers === 0 ? null : revenue / customers,
    perCustomer: [...byCustomer.values()].sort((a, b) =>
      a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0,
    ),
  };
}
