import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CxEvent, memoryStorage, newId, normalizeEvent, type Storage, withProfileId } from '@cx/core';
import { createIdentity } from '@cx/identity';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { createTemporaryDatabase, type TemporaryDatabase } from '@cx/storage-postgres/testing';
import { sqliteStorage } from '@cx/storage-sqlite';
import pg from 'pg';
import { batches, rawTrackEvent } from '../data/sample-events';
import type { Benchmark } from '../harness';
import { perSecond, timeMs } from '../harness';

const EVENTS = 50_000;
const PEOPLE = 10_000;
const BATCH = 500;
const RECEIVED_AT = Date.parse('2026-01-01T00:00:00Z');

/**
 * The realistic mix of one run, with ids unique to the run so every run starts from the same
 * state: `PEOPLE` known people (user id, anonymous id, email) and `EVENTS / 20` anonymous
 * visitors are seeded untimed; the timed events are 5% identifies that merge a visitor into a
 * known person, 10% identifies of known people (one in five changes a trait), 20% pages, 1%
 * brand-new visitors and the rest tracks (about 700 bytes each, as a browser sends them).
 */
export function mix(runId: number) {
  const base = RECEIVED_AT + runId * 1e9;
  const user = (i: number) => `r${runId}-u${i % PEOPLE}`;
  const anon = (i: number) => `r${runId}-a${i % PEOPLE}`;
  const visitor = (i: number) => `r${runId}-v${i}`;
  const seed: Record<string, unknown>[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    seed.push({
      type: 'identify',
      messageId: `r${runId}-seed-${i}`,
      userId: user(i),
      anonymousId: anon(i),
      traits: { email: `person${i}-r${runId}@example.vn`, name: `Person ${i}`, plan: 'free' },
    });
  }
  for (let v = 0; v < EVENTS / 20; v++) {
    seed.push({
      ...rawTrackEvent(v, base),
      messageId: `r${runId}-visit-${v}`,
      anonymousId: visitor(v),
      userId: undefined,
    });
  }
  const timed: Record<string, unknown>[] = [];
  for (let k = 0; k < EVENTS; k++) {
    const person = (k * 7919) % PEOPLE;
    const track = rawTrackEvent(k, base + 1e8);
    const messageId = `r${runId}-e${k}`;
    if (k % 20 === 0) {
      timed.push({
        type: 'identify',
        messageId,
        userId: user(person),
        anonymousId: visitor(k / 20),
        traits: {},
      });
    } else if (k % 10 === 1) {
      timed.push({
        type: 'identify',
        messageId,
        userId: user(person),
        // Sources re-send the same traits on every identify; one in five carries a change.
        traits: { name: `Person ${person}`, plan: k % 50 === 1 ? 'pro' : 'free' },
        timestamp: track.timestamp,
      });
    } else if (k % 100 === 7) {
      timed.push({ ...track, messageId, anonymousId: `r${runId}-new-${k}`, userId: undefined });
    } else if (k % 10 < 4) {
      timed.push({
        type: 'page',
        messageId,
        anonymousId: anon(person),
        name: 'Products',
        context: track.context,
        timestamp: track.timestamp,
      });
    } else {
      timed.push({
        ...track,
        messageId,
        anonymousId: anon(person),
        userId: k % 3 === 0 ? user(person) : undefined,
      });
    }
  }
  return { seed, timed };
}

/**
 * The peer's input: the same events already normalised and attributed to their people (one
 * ULID per person, as identity gives them), for the foundation's bare append. Attributed, so
 * the peer writes the same per-profile index entries cx must write, and the ratio measures
 * identity's own work. One attributer serves a run's seed and timed events, so a person keeps
 * one id across both.
 */
export function attributer() {
  const idOf = new Map<string, string>();
  return (raw: Record<string, unknown>[]): CxEvent[] =>
    raw.map((event) => {
      // A person is known by any id an earlier event tied together, as identity would stitch them.
      const ids = [event.userId, event.anonymousId].filter((id): id is string => typeof id === 'string');
      const profileId = ids.map((id) => idOf.get(id)).find((known) => known !== undefined) ?? newId();
      for (const id of ids) if (!idOf.has(id)) idOf.set(id, profileId);
      return withProfileId(normalizeEvent(event, { receivedAt: RECEIVED_AT }), profileId);
    });
}

/** Runs `work` over `items` with `inFlight` of them in progress at once, each lane in order. */
async function inLanes<T>(items: T[], inFlight: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Ingests `events` in batches of {@link BATCH}, `inFlight` batches at a time (as concurrent requests). */
export async function ingestAll(
  storage: Storage,
  workspace: string,
  events: Record<string, unknown>[],
  inFlight = 1,
) {
  const identity = createIdentity({ storage, config: { phoneRegion: 'VN' } });
  await inLanes([...batches(events, BATCH)], inFlight, async (batch) => {
    const result = await identity.ingest(workspace, batch, { receivedAt: RECEIVED_AT });
    if (result.accepted !== batch.length)
      throw new Error(`bench: ${batch.length - result.accepted} events not accepted`);
  });
}

/**
 * One identity ingest benchmark: per run, seed a fresh workspace (untimed), then time the mix
 * through `identity.ingest` (validation, identity resolution with merges, storage) against the
 * foundation's bare `events.append` of the same events, pre-normalised, into another workspace
 * of the same storage. `inFlight` batches are in progress at once on both sides, as a server's
 * concurrent requests are. It matters where the store works in another process (the database
 * server), which can run one batch's queries while this process resolves the next batch.
 */
function ingestBenchmark(
  name: string,
  inFlight: number,
  open: () => Promise<Storage>,
  close?: () => Promise<void>,
): Benchmark {
  let storage: Storage | undefined;
  let run = 0;
  return {
    name,
    unit: 'events/s',
    higherIsBetter: true,
    peer: `events.append of the same events, pre-normalised and attributed to their people (no identity)${inFlight > 1 ? `, ${inFlight} batches in flight as for cx` : ''}`,
    runs: 5,
    async setup() {
      storage = await open();
    },
    async measure() {
      const id = run++;
      const { seed, timed } = mix(id);
      const workspace = `ingest-${id}`;
      await ingestAll(storage!, workspace, seed);
      // The peer's workspace starts from the same events, so both append into indexes of one size.
      const attributed = attributer();
      const appendAll = (events: CxEvent[]) =>
        inLanes([...batches(events, BATCH)], inFlight, async (batch) => {
          await storage!.events.append(`peer-${id}`, batch);
        });
      await appendAll(attributed(seed));
      const peerEvents = attributed(timed);
      const cx = () => ingestAll(storage!, workspace, timed, inFlight);
      const peer = () => appendAll(peerEvents);
      let cxMs: number;
      let peerMs: number;
      if (id % 2 === 0) {
        cxMs = await timeMs(cx);
        peerMs = await timeMs(peer);
      } else {
        peerMs = await timeMs(peer);
        cxMs = await timeMs(cx);
      }
      return { value: perSecond(EVENTS, cxMs), peerValue: perSecond(EVENTS, peerMs) };
    },
    async teardown() {
      await storage?.close();
      storage = undefined;
      await close?.();
    },
  };
}

let sqliteDir = '';
const ingestSqlite = ingestBenchmark(
  'identity.ingest.sqlite',
  // better-sqlite3 works on this thread: more batches in flight would only interleave them.
  1,
  async () => {
    sqliteDir = mkdtempSync(path.join(tmpdir(), 'cx-bench-identity-'));
    return sqliteStorage({ filename: path.join(sqliteDir, 'identity.db') });
  },
  async () => rmSync(sqliteDir, { recursive: true, force: true }),
);

const POOL_SIZE = 4;
let database: TemporaryDatabase | undefined;
let pool: pg.Pool | undefined;

const ingestPostgres = ingestBenchmark(
  'identity.ingest.postgres',
  // One batch per pooled connection.
  POOL_SIZE,
  async () => {
    database = await createTemporaryDatabase({ prefix: 'cx_bench_identity' });
    pool = new pg.Pool({ connectionString: database.url, max: POOL_SIZE });
    await migrate(pool);
    return postgresStorage({ pool });
  },
  async () => {
    // `end()` resolves before the server has closed every connection; the forced drop below
    // then terminates the stragglers (57P01), which a pool without a listener would rethrow.
    pool?.on('error', () => {});
    await pool?.end();
    pool = undefined;
    await database?.drop();
  },
);

const ingestMemory = ingestBenchmark('identity.ingest.memory', 1, async () => memoryStorage());

/**
 * p99 of the 360° read (`identity.getProfile`) on SQLite: 10,000 people with about 12 events
 * each (some merged from two profiles), 2,000 reads of random people by email.
 */
const profileReadSqlite: Benchmark = (() => {
  let dir = '';
  let storage: Storage | undefined;
  let identity: ReturnType<typeof createIdentity> | undefined;
  let run = 0;
  return {
    name: 'identity.profile-read.sqlite',
    unit: 'ms',
    higherIsBetter: false,
    peer: 'bare reads: findByIdentifier + listByProfile (no aggregation)',
    runs: 5,
    async setup() {
      dir = mkdtempSync(path.join(tmpdir(), 'cx-bench-read-'));
      storage = sqliteStorage({ filename: path.join(dir, 'read.db') });
      const { seed, timed } = mix(0);
      await ingestAll(storage, 'read', [
        ...seed,
        ...timed,
        ...mix(0).timed.map((e, i) => ({ ...e, messageId: `x${i}` })),
      ]);
      identity = createIdentity({ storage });
    },
    async measure() {
      const reads = 2000;
      const cx: number[] = [];
      const peer: number[] = [];
      for (let i = 0; i < reads; i++) {
        const person = (run * 7 + i * 4001) % PEOPLE;
        const email = `person${person}-r0@example.vn`;
        cx.push(await timeMs(() => identity!.getProfile('read', { type: 'email', value: email })));
        peer.push(
          await timeMs(async () => {
            const p = await storage!.profiles.findByIdentifier('read', { type: 'email', value: email });
            await storage!.events.listByProfile('read', { profileIds: [p!.id], limit: 1000 });
          }),
        );
      }
      run++;
      const p99 = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length * 0.99)]!;
      return { value: p99(cx), peerValue: p99(peer) };
    },
    async teardown() {
      await storage?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
})();

export const benchmarks: Benchmark[] = [ingestMemory, ingestSqlite, ingestPostgres, profileReadSqlite];
