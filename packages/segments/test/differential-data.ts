import { type CxEvent, normalizeEvent, type Storage, seededRandom, withProfileId } from '@cx/core';

import {
  and,
  atLeast,
  between,
  bucket,
  type ComputedTraitDefinition,
  computed,
  createSegmentEngine,
  days,
  exactly,
  fewerThan,
  firstPerformed,
  inLast,
  inSegment,
  lastPerformed,
  minutes,
  not,
  notPerformed,
  or,
  performed,
  type SegmentDefinition,
  sequence,
  trait,
} from '../src';

export const DAY = 86_400_000;
/** The instant membership is compared at. */
export const AT = Date.parse('2026-06-01T00:00:00Z');
const START = AT - 150 * DAY;

const EVENTS = ['Order Completed', 'Product Added', 'Email Opened', 'page'] as const;
const CATEGORIES = ['books', 'music', 'Books', 'toys'];
const PATHS = ['/', '/cart', '/products/1'];

/** Every node type, alone and combined, over the generated shop data. */
export const SEGMENTS: SegmentDefinition[] = [
  { id: 'pro-30', name: 'Pro, 30+', node: trait({ plan: 'pro', age: { $gte: 30 } }) },
  { id: 'email-domain', name: 'Example mail', node: trait({ email: { $endsWithi: '@EXAMPLE.com' } }) },
  {
    id: 'recent-signup',
    name: 'Signed up in 30 days',
    node: trait({ signedUpAt: { $withinLast: { amount: 30, unit: 'days' } } }),
  },
  {
    id: 'frequent',
    name: '3 orders over 20 in 90 days',
    node: performed('Order Completed', {
      count: atLeast(3),
      window: inLast(days(90)),
      where: { revenue: { $gt: 20 } },
    }),
  },
  {
    id: 'two-in-march',
    name: 'Exactly 2 orders in March',
    node: performed('Order Completed', {
      count: exactly(2),
      window: between('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
    }),
  },
  {
    id: 'few-carts',
    name: 'Under 2 carts in 30 days',
    node: performed('Product Added', { count: fewerThan(2), window: inLast(days(30)) }),
  },
  {
    id: 'no-opens',
    name: 'No email opened in 14 days',
    node: notPerformed('Email Opened', { window: inLast(days(14)) }),
  },
  {
    id: 'new-buyer',
    name: 'First order in 60 days',
    node: firstPerformed('Order Completed', { window: inLast(days(60)) }),
  },
  {
    id: 'last-books',
    name: 'Latest order was books',
    node: lastPerformed('Order Completed', { properties: { category: { $eqi: 'books' } } }),
  },
  {
    id: 'cart-then-home',
    name: 'Cart, then home page within 30 minutes, in the last 30 days',
    node: sequence(
      [{ event: 'Product Added' }, { event: 'Page Viewed', where: { path: '/' } }],
      minutes(30),
      inLast(days(30)),
    ),
  },
  {
    id: 'three-steps',
    name: 'Cart, home, order within 2 days',
    node: sequence(
      [{ event: 'Product Added' }, { event: 'Page Viewed' }, { event: 'Order Completed' }],
      days(2),
    ),
  },
  {
    id: 'combined',
    name: 'Frequent or pro, not without opens',
    node: and(or(inSegment('frequent'), inSegment('pro-30')), not(inSegment('no-opens'))),
  },
  { id: 'holdout', name: 'Holdout 30%', node: bucket(0, 30, 'holdout') },
  { id: 'big-spenders', name: 'Lifetime value 150+', node: computed('ltv', { $gte: 150 }) },
  { id: 'busy-carts', name: '3+ carts in 30 days', node: computed('carts-30d', { $gte: 3 }) },
];

export const TRAITS: ComputedTraitDefinition[] = [
  { id: 'ltv', kind: 'sum', event: 'Order Completed', property: 'revenue' },
  { id: 'carts-30d', kind: 'count', event: 'Product Added', window: { last: { amount: 30, unit: 'days' } } },
];

/** Generated people, their events in time order, and the merges among them. */
export interface DataSet {
  profiles: { id: string; traits: Record<string, unknown> }[];
  /** Events and merges in log order; a merge is applied to the store when it is reached. */
  steps: ({ kind: 'event'; event: CxEvent } | { kind: 'merge'; from: string; into: string; at: number })[];
}

/** A seeded shop: `people` profiles, a few later merged into others, with dense recent activity. */
export function generateData(seed: number, people: number): DataSet {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random.next() * items.length)]!;
  const profiles = Array.from({ length: people }, (_, index) => ({
    id: `p${String(index).padStart(3, '0')}`,
    traits: {
      plan: pick(['pro', 'free', 'pro']),
      age: Math.floor(18 + random.next() * 50),
      email: `person${index}@${pick(['example.com', 'Example.COM', 'mail.vn'])}`,
      signedUpAt: new Date(AT - Math.floor(random.next() * 60) * DAY).toISOString(),
    },
  }));
  const timed: { at: number; step: DataSet['steps'][number] }[] = [];
  let counter = 0;
  for (const profile of profiles) {
    const count = Math.floor(random.next() * 25);
    let at = START + Math.floor(random.next() * 100 * DAY);
    for (let i = 0; i < count; i++) {
      // Bursts (minutes apart) and gaps (days apart), so sequences and windows have both.
      at +=
        random.next() < 0.5 ? Math.floor(random.next() * 40 * 60_000) : Math.floor(random.next() * 12 * DAY);
      if (at >= AT) break;
      const name = pick(EVENTS);
      const properties: Record<string, unknown> =
        name === 'Order Completed'
          ? {
              revenue: random.next() < 0.1 ? 'n/a' : Math.round(random.next() * 60),
              category: pick(CATEGORIES),
            }
          : name === 'page'
            ? { path: pick(PATHS) }
            : { sku: `sku-${Math.floor(random.next() * 5)}` };
      const base =
        name === 'page' ? { type: 'page', properties } : { type: 'track', event: name, properties };
      const event = withProfileId(
        normalizeEvent(
          {
            ...base,
            userId: `u-${profile.id}`,
            messageId: `s${seed}-${++counter}`,
            timestamp: new Date(at).toISOString(),
          },
          { receivedAt: at },
        ),
        profile.id,
      );
      timed.push({ at, step: { kind: 'event', event } });
    }
  }
  // Every seventh person is merged into the next one at some time in the middle.
  for (let index = 0; index + 1 < people; index += 7) {
    const at = START + Math.floor((0.3 + random.next() * 0.6) * 150 * DAY);
    timed.push({ at, step: { kind: 'merge', from: profiles[index]!.id, into: profiles[index + 1]!.id, at } });
  }
  timed.sort((a, b) => a.at - b.at);
  // After its merge, a merged person's events belong to the survivor, as identity attributes them.
  const mergedAt = new Map<string, { into: string; at: number }>();
  for (const { step } of timed)
    if (step.kind === 'merge') mergedAt.set(step.from, { into: step.into, at: step.at });
  const steps = timed.map(({ at, step }) => {
    if (step.kind !== 'event') return step;
    const merged = mergedAt.get(step.event.profileId!);
    return merged && at >= merged.at
      ? { kind: 'event' as const, event: withProfileId(step.event, merged.into) }
      : step;
  });
  return { profiles, steps };
}

/** The `Profile Merged` event identity writes for a merge. */
export function mergeEvent(from: string, into: string, at: number, id: string): CxEvent {
  return withProfileId(
    normalizeEvent(
      {
        type: 'track',
        event: 'Profile Merged',
        userId: `u-${into}`,
        messageId: id,
        properties: { from, into, mergeId: id },
        timestamp: new Date(at).toISOString(),
        context: { library: { name: '@cx/identity' } },
      },
      { receivedAt: at },
    ),
    into,
  );
}

/** Creates the profiles (with traits) in a store. */
export async function createProfiles(storage: Storage, workspaceId: string, data: DataSet): Promise<void> {
  for (const profile of data.profiles)
    await storage.profiles.create(workspaceId, { id: profile.id, traits: profile.traits });
}

/** A clock the test moves, forwards within a data set and back to its start for the next one. */
export class TestClock {
  at = 0;
  now = () => this.at;
  set(at: number) {
    this.at = at;
  }
}

/** Feeds the data to a real-time engine a page at a time on a moving clock; returns the members of each segment at `AT`. */
export async function runRealtime(storage: Storage, clock: TestClock, workspaceId: string, data: DataSet) {
  await createProfiles(storage, workspaceId, data);
  const engine = createSegmentEngine({ storage, workspaceId, clock, pageSize: 40 });
  for (const trait of TRAITS) await engine.defineComputedTrait(trait);
  for (const segment of SEGMENTS) await engine.define(segment);
  await engine.drain();
  let batch: DataSet['steps'] = [];
  const flush = async () => {
    const events = batch.map((step) =>
      step.kind === 'event' ? step.event : mergeEvent(step.from, step.into, step.at, `merge-${step.from}`),
    );
    for (const step of batch)
      if (step.kind === 'merge')
        await storage.profiles.merge(workspaceId, { from: step.from, into: step.into });
    const result = await storage.events.append(workspaceId, events);
    if (result.rejected.length > 0) throw new Error(JSON.stringify(result.rejected));
    const last = events[events.length - 1]!;
    clock.set(Math.max(clock.now(), Date.parse(last.timestamp)));
    await engine.drain();
    batch = [];
  };
  for (const step of data.steps) {
    batch.push(step);
    if (batch.length === 25 || step.kind === 'merge') await flush();
  }
  if (batch.length > 0) await flush();
  clock.set(AT);
  await engine.drain();
  const members = new Map<string, string[]>(SEGMENTS.map((segment) => [segment.id, []]));
  let cursor: string | null = null;
  do {
    const page = await storage.profiles.list(workspaceId, { limit: 500, cursor });
    for (const profile of page.items) {
      for (const { segmentId } of await engine.segmentsOf(profile.id))
        members.get(segmentId)?.push(profile.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  for (const list of members.values()) list.sort();
  return members;
}
