import { type CxEvent, normalizeEvent, seededRandom } from '@cx/core';

const NAMES = ['A', 'B', 'C', 'D', 'X'];
const START = Date.parse('2026-03-01T00:00:00.000Z');

/**
 * Random events for differential tests: few people, few event names, coarse timestamps (so ties
 * happen), arrival order shuffled against time order, properties for filters, held values and
 * breakdowns (sometimes missing, sometimes non-string), and some events with a profile id.
 */
export function generateEvents(seed: number, count: number, people = 12): CxEvent[] {
  const random = seededRandom(seed);
  const events: CxEvent[] = [];
  for (let i = 0; i < count; i++) {
    const person = `u${random.int(people)}`;
    // Half on a 10-minute grid, so time differences hit window boundaries exactly.
    const minutes = random.next() < 0.5 ? random.int(6 * 24 * 4) * 10 : random.int(60 * 24 * 4);
    const timestamp = new Date(
      START + minutes * 60_000 + (random.next() < 0.5 ? 0 : random.int(3) * 1000),
    ).toISOString();
    const properties: Record<string, unknown> = {};
    if (random.next() < 0.8) properties.cartId = `c${random.int(3)}`;
    const source = random.int(5);
    if (source < 3) properties.source = ['ads', 'email', 'seo'][source];
    else if (source === 3) properties.source = 7;
    properties.amount = random.int(100);
    if (random.next() < 0.3) properties.plan = random.next() < 0.5 ? 'pro' : 'free';
    const kind = random.next();
    const common = {
      ...(random.next() < 0.85 ? { userId: person } : { anonymousId: `anon-${person}` }),
      timestamp,
      messageId: `m-${seed}-${i}`,
      properties,
    };
    const raw =
      kind < 0.8
        ? { type: 'track' as const, event: NAMES[random.int(NAMES.length)]!, ...common }
        : kind < 0.95
          ? { type: 'page' as const, name: random.next() < 0.5 ? 'Home' : 'Pricing', ...common }
          : { type: 'identify' as const, ...common, properties: undefined, traits: { plan: 'pro' } };
    const event = normalizeEvent(raw, { receivedAt: 0 });
    events.push(random.next() < 0.3 ? { ...event, profileId: `p-${person}` } : event);
  }
  return events;
}

/** The profile store operations that give a merged data set its identity links. */
export interface ProfilePlan {
  /** Profiles to create, in order. */
  create: string[];
  /** Merges to run after creating, in order (chains merge their tail first: C into B, then B into A). */
  merges: { into: string; from: string }[];
  /** Profiles to delete last (with every profile merged into them). */
  deletes: string[];
}

/**
 * {@link generateEvents} re-attributed for identity-merge tests: each person gets 1, 2 or 3
 * profiles (half, 30% and 20% of people), merged into one survivor as a star (B and C into A) or
 * a chain (C into B, then B into A); 70% of events carry one of their person's profiles (picked at
 * random, so a person's events are spread over profiles the way anonymous browsing, sign-up and
 * log-ins spread them), the rest none. Some ids stay unmerged on purpose: a profile never stored
 * (`ghost`), one created and deleted (`gone`), and, for a few people, the whole merged group
 * deleted afterwards, so their events fall apart again.
 */
export function generateMergedData(
  seed: number,
  count: number,
  people = 12,
): { events: CxEvent[]; plan: ProfilePlan } {
  const random = seededRandom(seed * 7919 + 13);
  const plan: ProfilePlan = { create: [], merges: [], deletes: [] };
  const profilesOf: string[][] = [];
  for (let p = 0; p < people; p++) {
    const roll = random.next();
    const size = roll < 0.5 ? 1 : roll < 0.8 ? 2 : 3;
    const ids = ['a', 'b', 'c'].slice(0, size).map((suffix) => `p-u${p}-${suffix}`);
    // Who survives is random, so ids do not sort by role.
    const order = ids.map((id) => [random.next(), id] as const).sort((x, y) => x[0] - y[0]);
    const [survivor, second, third] = order.map(([, id]) => id);
    plan.create.push(...ids);
    if (second !== undefined && third !== undefined && random.next() < 0.5) {
      plan.merges.push({ into: second, from: third }, { into: survivor!, from: second });
    } else {
      if (second !== undefined) plan.merges.push({ into: survivor!, from: second });
      if (third !== undefined) plan.merges.push({ into: survivor!, from: third });
    }
    if (size > 1 && random.next() < 0.15) plan.deletes.push(survivor!);
    if (random.next() < 0.2) {
      plan.create.push(`p-u${p}-gone`);
      plan.deletes.push(`p-u${p}-gone`);
      ids.push(`p-u${p}-gone`);
    }
    if (random.next() < 0.2) ids.push(`p-u${p}-ghost`);
    profilesOf.push(ids);
  }
  const events = generateEvents(seed, count, people).map((event) => {
    const person = Number((event.userId ?? event.anonymousId!).replace(/^(anon-)?u/, ''));
    const ids = profilesOf[person]!;
    const profileId = random.next() < 0.7 ? ids[random.int(ids.length)]! : null;
    return { ...event, profileId };
  });
  return { events, plan };
}
