import { memoryStorage, type Storage, seededRandom } from '@cx/core';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIdentity } from '../src';
import { keysOf, WS } from './helpers';

/*
 * A server ingests concurrent requests: several batches of one workspace are in flight at once,
 * sharing people. On PostgreSQL (row locks, conflicts between concurrent creates and merges)
 * the outcome must be the one of ingesting the same batches one after another: the same people,
 * each with the same identifiers and the same events.
 */

const PEOPLE = 40;
const VISITORS = 60;
const BATCH = 20;
const IN_FLIGHT = 4;
const RECEIVED_AT = Date.parse('2026-03-01T10:00:00Z');

/** Events that mix first sightings, tracks by every kind of id and visitors merging into people. */
function mixedEvents(seed: number) {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const events: Record<string, unknown>[] = [];
  for (let k = 0; k < 600; k++) {
    const person = pick(PEOPLE);
    const visitor = pick(VISITORS);
    const messageId = `m-${k}`;
    const timestamp = new Date(RECEIVED_AT - 600_000 + k * 1000).toISOString();
    const roll = random();
    if (roll < 0.15) {
      // A visitor signs in: merges the visitor's profile into the person's. Each visitor is one
      // person's, so no merge rule can make the outcome depend on which sign-in came first.
      events.push({
        type: 'identify',
        messageId,
        timestamp,
        userId: `u${visitor % PEOPLE}`,
        anonymousId: `v${visitor}`,
      });
    } else if (roll < 0.25) {
      events.push({
        type: 'identify',
        messageId,
        timestamp,
        userId: `u${person}`,
        anonymousId: `a${person}`,
        traits: { email: `person${person}@example.vn` },
      });
    } else if (roll < 0.45) {
      events.push({ type: 'track', event: 'Visited', messageId, timestamp, anonymousId: `v${visitor}` });
    } else {
      const ids = roll < 0.7 ? { userId: `u${person}` } : { anonymousId: `a${person}` };
      events.push({ type: 'track', event: 'Product Viewed', messageId, timestamp, ...ids });
    }
  }
  return events;
}

const batchesOf = (events: Record<string, unknown>[]) => {
  const out: Record<string, unknown>[][] = [];
  for (let i = 0; i < events.length; i += BATCH) out.push(events.slice(i, i + BATCH));
  return out;
};

async function ingest(storage: Storage, events: Record<string, unknown>[], inFlight: number) {
  const identity = createIdentity({ storage });
  const batches = batchesOf(events);
  let next = 0;
  let accepted = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const result = await identity.ingest(WS, batch, { receivedAt: RECEIVED_AT });
        accepted += result.accepted;
      }
    }),
  );
  return { identity, accepted };
}

/** Every identifier of the events, as the person who holds it sees it: identifiers and event counts. */
async function people(identity: ReturnType<typeof createIdentity>) {
  const refs = [
    ...Array.from({ length: PEOPLE }, (_, i) => ({ type: 'user_id', value: `u${i}` })),
    ...Array.from({ length: PEOPLE }, (_, i) => ({ type: 'anonymous_id', value: `a${i}` })),
    ...Array.from({ length: VISITORS }, (_, i) => ({ type: 'anonymous_id', value: `v${i}` })),
  ];
  const seen: Record<string, unknown> = {};
  for (const ref of refs) {
    const profile = await identity.getProfile(WS, ref);
    seen[`${ref.type}:${ref.value}`] =
      profile === null
        ? null
        : {
            identifiers: keysOf(profile),
            events: profile.eventCounts.total,
          };
  }
  return seen;
}

let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: IN_FLIGHT });
  // The run's database is dropped with force at the end; connections it ends are expected.
  pool.on('error', () => {});
  await migrate(pool);
});

afterAll(async () => {
  await pool?.end();
});

describe('concurrent ingest on PostgreSQL', () => {
  it.each([1, 2, 3, 4])(
    'stitches people as ingesting the batches one by one does (seed %i)',
    async (seed) => {
      const events = mixedEvents(seed);
      const expected = await ingest(memoryStorage(), events, 1);
      const schema = `concurrent_${seed}`;
      await migrate(pool, { schema });
      const concurrent = await ingest(postgresStorage({ pool, schema }), events, IN_FLIGHT);

      expect(concurrent.accepted).toBe(events.length);
      expect(expected.accepted).toBe(events.length);
      expect(await people(concurrent.identity)).toEqual(await people(expected.identity));
    },
    120_000,
  );
});
