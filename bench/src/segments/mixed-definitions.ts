import type { ComputedTraitDefinition, SegmentDefinition, SegmentNode } from '@cx/segments';

/** The event names of the generated shop traffic. */
export const EVENT_NAMES = [
  'Product Viewed',
  'Product Added',
  'Order Completed',
  'Email Opened',
  'Search',
] as const;

export const COMPUTED_TRAITS: ComputedTraitDefinition[] = [
  { id: 'ltv', kind: 'sum', event: 'Order Completed', property: 'revenue' },
  { id: 'views-7d', kind: 'count', event: 'Product Viewed', window: { last: { amount: 7, unit: 'days' } } },
  { id: 'favourite-category', kind: 'mostFrequent', event: 'Product Viewed', property: 'category' },
];

/**
 * Fifty definitions of every node type, as a real workspace would hold them: event counts over
 * rolling and fixed windows, first and last events, sequences, traits, segment references,
 * buckets and computed-trait tests.
 */
export function mixedDefinitions(): SegmentDefinition[] {
  const out: SegmentDefinition[] = [];
  const add = (node: SegmentNode) =>
    out.push({ id: `s${String(out.length).padStart(2, '0')}`, name: `Segment ${out.length}`, node });
  for (let i = 0; i < 12; i++) {
    add({
      type: 'performed',
      event: EVENT_NAMES[i % EVENT_NAMES.length]!,
      count: { op: 'gte', value: 1 + (i % 4) },
      window: { last: { amount: 1 + i * 3, unit: 'days' } },
      ...(i % 3 === 0 ? { where: { category: { $in: ['books', 'toys'] } } } : {}),
    });
  }
  for (let i = 0; i < 4; i++)
    add({ type: 'notPerformed', event: EVENT_NAMES[i]!, window: { last: { amount: 7 + i, unit: 'days' } } });
  for (let i = 0; i < 6; i++) {
    add({
      type: i % 2 === 0 ? 'firstPerformed' : 'lastPerformed',
      event: EVENT_NAMES[i % EVENT_NAMES.length]!,
      window: { last: { amount: 30, unit: 'days' } },
      ...(i % 2 === 1 ? { properties: { category: 'books' } } : {}),
    });
  }
  for (let i = 0; i < 6; i++) {
    add({
      type: 'sequence',
      steps: [{ event: EVENT_NAMES[i % 3]! }, { event: EVENT_NAMES[(i + 1) % 3]! }],
      within: { amount: 30 + i * 10, unit: 'minutes' },
      window: { last: { amount: 7, unit: 'days' } },
    });
  }
  for (let i = 0; i < 6; i++)
    add({ type: 'trait', condition: { plan: i % 2 === 0 ? 'pro' : 'free', age: { $gte: 20 + i * 5 } } });
  for (let i = 0; i < 4; i++) add({ type: 'bucket', from: i * 10, to: i * 10 + 10, salt: 'bench' });
  add({ type: 'computed', trait: 'ltv', test: { $gte: 100 } });
  add({ type: 'computed', trait: 'views-7d', test: { $gte: 5 } });
  add({ type: 'computed', trait: 'favourite-category', test: 'books' });
  while (out.length < 50) {
    const n = out.length;
    add({
      type: n % 2 === 0 ? 'and' : 'or',
      nodes: [
        { type: 'inSegment', segment: `s${String(n % 12).padStart(2, '0')}` },
        { type: 'not', node: { type: 'inSegment', segment: `s${String(12 + (n % 4)).padStart(2, '0')}` } },
      ],
    });
  }
  return out;
}
