import { type CxEvent, isCxError, memoryStorage, normalizeEvent, type Storage } from '@cx/core';
import { sqliteStorage } from '@cx/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSessions,
  type CanonicalProfiles,
  cohortRetention,
  conversionRate,
  createProfileResolver,
  createStreamingFunnel,
  type FunnelDefinitionInput,
  readCohortRetention,
  readRepeatPurchases,
  readSessions,
  repeatPurchases,
  sqlFunnel,
  streamFunnel,
} from '../src';

const T0 = Date.parse('2026-02-02T10:00:00.000Z');
const MIN = 60_000;
let n = 0;

/** A stored event as the collector attributed it on arrival. */
function stored(
  raw: { type: 'page'; name: string } | { type: 'track'; event: string } | { type: 'identify' },
  who: { userId?: string; anonymousId?: string },
  profileId: string | null,
  minutes: number,
): CxEvent {
  const event = normalizeEvent(
    { ...raw, ...who, messageId: `im${n++}`, timestamp: new Date(T0 + minutes * MIN).toISOString() },
    { receivedAt: 0 },
  );
  return { ...event, profileId };
}

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return isCxError(error) ? error.code : 'not a CxError';
  }
  return undefined;
}

/*
 * The story: a visitor browses anonymously (profile P1), adds to cart, signs up at checkout
 * (identity resolution creates P2 for the user id and the collector attributes later events to
 * it), buys, and only then does identity resolution merge P1 into P2. Events keep the profile they
 * arrived with.
 */
const anon = { anonymousId: 'a-1' };
const user = { userId: 'u-1', anonymousId: 'a-1' };
const story = [
  stored({ type: 'page', name: 'Home' }, anon, 'P1', 0),
  stored({ type: 'track', event: 'Product Viewed' }, anon, 'P1', 1),
  stored({ type: 'track', event: 'Product Added' }, anon, 'P1', 2),
  stored({ type: 'identify' }, user, 'P2', 3),
  stored({ type: 'page', name: 'Checkout' }, user, 'P2', 3.5),
  stored({ type: 'track', event: 'Order Completed' }, user, 'P2', 5),
];
/** Landed on any page, added to cart, bought. */
const checkout: FunnelDefinitionInput = {
  steps: [{ type: 'page' }, { event: 'Product Added' }, { event: 'Order Completed' }],
  windowMs: 86_400_000,
};

async function seed(storage: Storage, workspace: string): Promise<void> {
  await storage.profiles.create(workspace, {
    id: 'P1',
    identifiers: [{ type: 'anonymous_id', value: 'a-1' }],
  });
  await storage.profiles.create(workspace, { id: 'P2', identifiers: [{ type: 'user_id', value: 'u-1' }] });
  expect((await storage.events.append(workspace, story)).rejected).toEqual([]);
  await storage.profiles.merge(workspace, { into: 'P2', from: 'P1' });
}

let memory: Storage;
let sqlite: Storage;

beforeAll(async () => {
  memory = memoryStorage();
  sqlite = sqliteStorage({ filename: ':memory:' });
  for (const storage of [memory, sqlite]) await seed(storage, 'shop');
});

afterAll(async () => {
  await sqlite?.close();
});

describe('anonymous browse → identify → merge → purchase, by hand', () => {
  it('the arrival profile counts two people and no conversion in the funnel', async () => {
    const arrival = { ...checkout, personKey: 'profile' } as const;
    for (const result of [
      await streamFunnel(memory, 'shop', arrival),
      await sqlFunnel(sqlite, 'shop', arrival),
    ]) {
      // P1 landed and added to cart but bought nothing; P2 landed (checkout page) and bought
      // without adding anything to cart as far as P2 knows.
      expect(result.steps.map((step) => step.count)).toEqual([2, 1, 0]);
      expect(result).toMatchObject({ entered: 2, converted: 0, conversionRate: 0 });
    }
  });

  it('the canonical key (the default) counts one converted person, in memory and in SQL', async () => {
    for (const result of [
      await streamFunnel(memory, 'shop', checkout),
      await streamFunnel(sqlite, 'shop', checkout),
      await sqlFunnel(sqlite, 'shop', checkout),
    ]) {
      expect(result.steps.map((step) => step.count)).toEqual([1, 1, 1]);
      // Home at 0, cart at 2 min, order at 5 min.
      expect(result).toMatchObject({
        entered: 1,
        converted: 1,
        conversionRate: 1,
        timeToConvert: { medianMs: 5 * MIN, p90Ms: 5 * MIN },
      });
    }
  });

  it('conversion by people: one visitor who converted, not two visitors at 50%', async () => {
    const goal = { events: ['Order Completed'] };
    const arrival = await readSessions(memory, 'shop', { personKey: 'profile' });
    expect(conversionRate(arrival, goal)).toMatchObject({ visitors: 2, conversions: 1, rate: 0.5 });
    const canonical = await readSessions(memory, 'shop');
    // One person, and one visit: no 30-minute gap between browsing and buying.
    expect(canonical).toHaveLength(1);
    expect(canonical[0]).toMatchObject({ person: 'P2', durationMs: 5 * MIN, pageViews: 2, events: 5 });
    expect(conversionRate(canonical, goal)).toMatchObject({ visitors: 1, conversions: 1, rate: 1 });
  });

  it('retention and repeat purchases key by the surviving profile', async () => {
    const arrival = await readCohortRetention(memory, 'shop', { personKey: 'profile', periods: 1 });
    expect(arrival.rows).toEqual([{ cohort: '2026-02-02', size: 2, retained: [2, 0], rates: [1, 0] }]);
    const canonical = await readCohortRetention(memory, 'shop', { periods: 1 });
    expect(canonical.rows).toEqual([{ cohort: '2026-02-02', size: 1, retained: [1, 0], rates: [1, 0] }]);
    expect(await readRepeatPurchases(memory, 'shop')).toMatchObject({ customers: 1, purchases: 1 });
  });

  it('functions over events take the mapping as CanonicalProfiles', () => {
    const merged = new Map([['P1', 'P2']]);
    const profiles: CanonicalProfiles = { canonicalOf: (id) => merged.get(id) ?? id };
    expect(buildSessions(story, {}, profiles).map((session) => session.person)).toEqual(['P2']);
    // Without a mapping no merge is known: canonical counts like the arrival profile.
    expect(buildSessions(story)).toHaveLength(2);
    expect(cohortRetention(story, { periods: 1 }, profiles).rows[0]!.size).toBe(1);
    expect(
      repeatPurchases([...story, { ...story[5]!, messageId: 'again', profileId: 'P1' }], {}, profiles),
    ).toMatchObject({ customers: 1, repeatCustomers: 1 });
  });
});

describe('ProfileResolver', () => {
  it('follows chains to their end, keeps missing profiles, and reads each profile once', async () => {
    const storage = memoryStorage();
    for (const id of ['A', 'B', 'C', 'D', 'S', 'X']) await storage.profiles.create('r', { id });
    await storage.profiles.merge('r', { into: 'B', from: 'C' });
    await storage.profiles.merge('r', { into: 'A', from: 'B' }); // C → B → A
    await storage.profiles.merge('r', { into: 'A', from: 'S' }); // a star too
    await storage.profiles.delete('r', 'X');
    const resolver = createProfileResolver(storage, 'r');
    await resolver.load(['C', 'B', null, 'A', 'S', 'D', 'X', 'ghost', undefined, 'C']);
    expect(['C', 'B', 'A', 'S', 'D', 'X', 'ghost'].map((id) => resolver.canonicalOf(id))).toEqual([
      'A',
      'A',
      'A',
      'A',
      'D',
      'X',
      'ghost',
    ]);
    expect(resolver.lookups).toBe(7);
    await resolver.load(['C', 'A', 'ghost']);
    expect(resolver.lookups).toBe(7);
    expect(await codeOf(() => resolver.canonicalOf('never-loaded'))).toBe('CONFIG');
    // A snapshot: merges made later show after clear().
    await storage.profiles.merge('r', { into: 'A', from: 'D' });
    await resolver.load(['D']);
    expect(resolver.canonicalOf('D')).toBe('D');
    resolver.clear();
    expect(resolver.has('D')).toBe(false);
    await resolver.load(['D']);
    expect(resolver.canonicalOf('D')).toBe('A');
  });

  it('walks all chains level by level, with at most `concurrency` reads in flight', async () => {
    const storage = memoryStorage();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      for (const suffix of ['a', 'b', 'c']) await storage.profiles.create('r', { id: `${i}${suffix}` });
      await storage.profiles.merge('r', { into: `${i}b`, from: `${i}c` });
      await storage.profiles.merge('r', { into: `${i}a`, from: `${i}b` });
      ids.push(`${i}c`);
    }
    let inFlight = 0;
    let most = 0;
    const counted = {
      profiles: {
        ...storage.profiles,
        get: async (workspace: string, id: string) => {
          inFlight++;
          most = Math.max(most, inFlight);
          try {
            return await storage.profiles.get(workspace, id);
          } finally {
            inFlight--;
          }
        },
      },
    };
    const resolver = createProfileResolver(counted, 'r', { concurrency: 4 });
    await resolver.load(ids);
    expect(ids.map((id) => resolver.canonicalOf(id))).toEqual(ids.map((id) => id.replace('c', 'a')));
    expect(most).toBe(4);
    expect(resolver.lookups).toBe(30);
  });

  it('keeps its own id for a chain that loops or breaks (a store the port never writes)', async () => {
    const links: Record<string, string | null> = { L1: 'L2', L2: 'L1', M: 'gone', N: 'M', K: null };
    const fake = {
      profiles: {
        ...memoryStorage().profiles,
        get: async (_: string, id: string) => {
          const mergedInto = links[id];
          if (mergedInto === undefined) return null;
          return { id, identifiers: [], traits: {}, mergedInto, createdAt: '', updatedAt: '', version: 1 };
        },
      },
    };
    const resolver = createProfileResolver(fake, 'r');
    await resolver.load(['L1', 'N', 'K']);
    expect(['L1', 'L2', 'N', 'M', 'K'].map((id) => resolver.canonicalOf(id))).toEqual([
      'L1',
      'L2',
      'N',
      'M',
      'K',
    ]);
  });

  it('validates its input', async () => {
    expect(await codeOf(() => createProfileResolver(memoryStorage(), 'bad workspace!'))).toBe('VALIDATION');
    expect(await codeOf(() => createProfileResolver(memoryStorage(), 'r', { concurrency: 0 }))).toBe(
      'VALIDATION',
    );
  });
});

describe('SQL merge walk on a looping chain', () => {
  it('ends, and agrees with the resolver: both profiles keep their own id', async () => {
    const storage = sqliteStorage({ filename: ':memory:' });
    try {
      await storage.profiles.create('loop', { id: 'L1' });
      await storage.profiles.create('loop', { id: 'L2' });
      // Only raw SQL can write a loop; the profile store refuses to merge a merged profile.
      await storage.sql!.query(
        `UPDATE cx_profiles SET merged_into = CASE id WHEN 'L1' THEN 'L2' ELSE 'L1' END WHERE workspace_id = 'loop'`,
      );
      await storage.events.append('loop', [
        stored({ type: 'track', event: 'Product Added' }, anon, 'L1', 0),
        stored({ type: 'track', event: 'Order Completed' }, anon, 'L2', 1),
      ]);
      const funnel = {
        steps: [{ event: 'Product Added' }, { event: 'Order Completed' }],
        windowMs: 3_600_000,
      };
      const fromSql = await sqlFunnel(storage, 'loop', funnel);
      expect(fromSql).toEqual(await streamFunnel(storage, 'loop', funnel));
      expect(fromSql).toMatchObject({ entered: 1, converted: 0 });
    } finally {
      await storage.close();
    }
  });
});

describe('a streaming funnel and merges made after its events arrived', () => {
  it('joins the merged profiles once the resolver sees the merge', async () => {
    const storage = memoryStorage();
    await storage.profiles.create('live', { id: 'P1' });
    await storage.profiles.create('live', { id: 'P2' });
    const profiles = createProfileResolver(storage, 'live');
    const funnel = createStreamingFunnel(checkout, { profiles });
    funnel.addAll(story);
    expect(await codeOf(() => funnel.result())).toBe('CONFIG');
    await funnel.loadProfiles();
    expect(funnel.result()).toMatchObject({ entered: 2, converted: 0 });
    await storage.profiles.merge('live', { into: 'P2', from: 'P1' });
    profiles.clear();
    await funnel.loadProfiles();
    expect(funnel.result()).toMatchObject({ entered: 1, converted: 1 });
    expect(funnel.result().timeToConvert).toEqual({ medianMs: 5 * MIN, p90Ms: 5 * MIN });
    // A late-arriving earlier page view of P1 becomes the merged person's entry: the cached
    // evaluation of the merged person is redone.
    funnel.add(stored({ type: 'page', name: 'Pricing' }, anon, 'P1', -10));
    expect(funnel.result().timeToConvert).toEqual({ medianMs: 15 * MIN, p90Ms: 15 * MIN });
  });
});
