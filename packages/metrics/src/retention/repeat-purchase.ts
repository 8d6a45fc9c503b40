import { type CxEvent, parseOrThrow } from '@cx/core';
import { z } from 'zod';
import { personKeySchema, personOf } from '../events/person-key';

const repeatSchema = z.object({
  /** The `track` event of a purchase; default `Order Completed` (Segment's e-commerce spec). */
  purchaseEvent: z.string().min(1).default('Order Completed'),
  personKey: personKeySchema.default('profile'),
  /** Only purchases in `[from, to)`, epoch ms. */
  from: z.number().int().optional(),
  to: z.number().int().optional(),
});

/** Repeat purchasing and loyalty figures. */
export interface RepeatPurchaseResult {
  customers: number;
  purchases: number;
  /** Customers with two or more purchases. */
  repeatCustomers: number;
  /** repeat customers ÷ customers. */
  repeatPurchaseRate: number | null;
  /** purchases ÷ customers. */
  purchaseFrequency: number | null;
  /** How many customers made 1, 2, 3 … purchases. */
  distribution: Record<string, number>;
}

/**
 * Repeat purchase rate (customers with 2+ purchases ÷ customers with any) and purchase frequency
 * (purchases ÷ customers) from purchase events.
 *
 * @example
 * ```ts
 * repeatPurchases(events, { purchaseEvent: 'Order Completed' }).repeatPurchaseRate;
 * ```
 */
export function repeatPurchases(
  events: Iterable<CxEvent>,
  options: z.input<typeof repeatSchema> = {},
): RepeatPurchaseResult {
  const opts = parseOrThrow(repeatSchema, options, 'repeat purchase options');
  const counts = new Map<string, number>();
  let purchases = 0;
  for (const event of events) {
    if (event.type !== 'track' || event.event !== opts.purchaseEvent) continue;
    const ts = Date.parse(event.timestamp);
    if ((opts.from !== undefined && ts < opts.from) || (opts.to !== undefined && ts >= opts.to)) continue;
    const person = personOf(event, opts.personKey);
    counts.set(person, (counts.get(person) ?? 0) + 1);
    purchases++;
  }
  const distribution: Record<string, number> = {};
  let repeat = 0;
  for (const count of counts.values()) {
    distribution[String(count)] = (distribution[String(count)] ?? 0) + 1;
    if (count >= 2) repeat++;
  }
  const customers = counts.size;
  return {
    customers,
    purchases,
    repeatCustomers: repeat,
    repeatPurchaseRate: customers === 0 ? null : repeat / customers,
    purchaseFrequency: customers === 0 ? null : purchases / customers,
    distribution,
  };
}
