import { type CxEvent, parseOrThrow, type Storage } from '@cx/core';
import { z } from 'zod';
import { type CanonicalProfiles, personKeySchema, personOf } from '../events/person-key';
import { createProfileResolver } from '../events/profile-resolver';
import { scanEventPages } from '../events/read-events';

/** Options of {@link repeatPurchases}. */
export const repeatPurchaseOptionsSchema = z.object({
  /** The `track` event of a purchase; default `Order Completed` (Segment's e-commerce spec). */
  purchaseEvent: z.string().min(1).default('Order Completed'),
  /** Who is one customer (see `personKeySchema`); default `canonical`, merged profiles counted once. */
  personKey: personKeySchema.default('canonical'),
  /** Only purchases in `[from, to)`, epoch ms. */
  from: z.number().int().optional(),
  to: z.number().int().optional(),
});
/** See {@link repeatPurchaseOptionsSchema}. */
export type RepeatPurchaseOptions = z.input<typeof repeatPurchaseOptionsSchema>;

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

/** Purchases per person. */
class PurchaseCounts {
  readonly counts = new Map<string, number>();
  purchases = 0;

  constructor(private readonly opts: z.output<typeof repeatPurchaseOptionsSchema>) {}

  add(event: CxEvent, profiles: CanonicalProfiles | undefined): void {
    const { opts } = this;
    if (event.type !== 'track' || event.event !== opts.purchaseEvent) return;
    const ts = Date.parse(event.timestamp);
    if ((opts.from !== undefined && ts < opts.from) || (opts.to !== undefined && ts >= opts.to)) return;
    const person = personOf(event, opts.personKey, profiles);
    this.counts.set(person, (this.counts.get(person) ?? 0) + 1);
    this.purchases++;
  }
}

/**
 * Repeat purchase rate (customers with 2+ purchases ÷ customers with any) and purchase frequency
 * (purchases ÷ customers) from purchase events. `profiles` resolves merged profiles for the
 * `canonical` key (load its ids first when it is a `ProfileResolver`); without it merges are
 * unknown and `canonical` counts like `profile`. {@link readRepeatPurchases} reads from storage.
 *
 * @example
 * ```ts
 * repeatPurchases(events, { purchaseEvent: 'Order Completed' }).repeatPurchaseRate;
 * ```
 */
export function repeatPurchases(
  events: Iterable<CxEvent>,
  options: RepeatPurchaseOptions = {},
  profiles?: CanonicalProfiles,
): RepeatPurchaseResult {
  const opts = parseOrThrow(repeatPurchaseOptionsSchema, options, 'repeat purchase options');
  const counts = new PurchaseCounts(opts);
  for (const event of events) counts.add(event, profiles);
  return summarize(counts);
}

/**
 * {@link repeatPurchases} over a workspace's stored `track` events; under the `canonical` key (the
 * default) profiles are resolved through `storage.profiles`, a page at a time.
 *
 * @example
 * ```ts
 * const { repeatPurchaseRate } = await readRepeatPurchases(storage, 'acme');
 * ```
 */
export async function readRepeatPurchases(
  storage: Storage,
  workspaceId: string,
  options: RepeatPurchaseOptions = {},
): Promise<RepeatPurchaseResult> {
  const opts = parseOrThrow(repeatPurchaseOptionsSchema, options, 'repeat purchase options');
  const profiles = opts.personKey === 'canonical' ? createProfileResolver(storage, workspaceId) : undefined;
  const counts = new PurchaseCounts(opts);
  for await (const page of scanEventPages(storage, workspaceId, { types: ['track'] })) {
    await profiles?.load(
      page.flatMap((event) =>
        event.type === 'track' && event.event === opts.purchaseEvent ? [event.profileId] : [],
      ),
    );
    for (const event of page) counts.add(event, profiles);
  }
  return summarize(counts);
}

function summarize({ counts, purchases }: PurchaseCounts): RepeatPurchaseResult {
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
