import { type CxEvent, normalizeEvent } from '@cx/core';
import { seededRandom } from '../src/stats/random';

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
