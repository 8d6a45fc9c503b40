import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type Clock,
  type CxEvent,
  ManualClock,
  memoryStorage,
  normalizeEvent,
  type Storage,
  withProfileId,
} from '@cx/core';
import { createMembershipEvaluator, createSegmentEngine } from '@cx/segments';
import { sqliteStorage } from '@cx/storage-sqlite';
import type { Benchmark } from '../harness';
import { backfillPostgres } from '../segments/backfill-postgres';
import { expiryLateness } from '../segments/expiry-lateness';
import { COMPUTED_TRAITS, EVENT_NAMES, mixedDefinitions } from '../segments/mixed-definitions';

const WORKSPACE = 'bench';
const PEOPLE = 2000;
const EVENTS = 20_000;
const PAGE = 500;
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** Shop traffic: PEOPLE profiles, EVENTS events a few minutes apart, mixed names and properties. */
function traffic(): CxEvent[] {
  const out: CxEvent[] = [];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < EVENTS; i++) {
    const person = Math.floor(random() * PEOPLE);
    const at = T0 + i * 30_000;
    const name = EVENT_NAMES[Math.floor(random() * EVENT_NAMES.length)]!;
    const event = normalizeEvent(
      {
        type: 'track',
        event: name,
        userId: `u${person}`,
        messageId: `m${i}`,
        timestamp: new Date(at).toISOString(),
        properties: {
          category: ['books', 'toys', 'music'][i % 3],
          revenue: name === 'Order Completed' ? 10 + (i % 90) : undefined,
        },
      },
      { receivedAt: at },
    );
    out.push(withProfileId(event, `p${person}`));
  }
  return out;
}

async function seedProfiles(storage: Storage) {
  for (let start = 0; start < PEOPLE; start += 500) {
    await storage.profiles.createMany(
      WORKSPACE,
      Array.from({ length: 500 }, (_, i) => ({
        id: `p${start + i}`,
        traits: { plan: (start + i) % 3 === 0 ? 'pro' : 'free', age: 18 + ((start + i) % 50) },
      })),
    );
  }
}

/**
 * Runs the real-time consumer over EVENTS events with 50 live definitions: the cost per event of
 * each page (page time / events in it, p99 over pages, in µs) and events/s end to end.
 */
async function incremental(
  makeStorage: (clock: Clock) => Promise<{ storage: Storage; close: () => Promise<void> }>,
) {
  const clock = new ManualClock(T0);
  const { storage, close } = await makeStorage(clock);
  try {
    await seedProfiles(storage);
    const engine = createSegmentEngine({ storage, workspaceId: WORKSPACE, clock, pageSize: PAGE });
    for (const trait of COMPUTED_TRAITS) await engine.defineComputedTrait(trait);
    for (const definition of mixedDefinitions()) await engine.define(definition);
    await engine.drain();
    const events = traffic();
    const perEvent: number[] = [];
    let total = 0;
    for (let offset = 0; offset < events.length; offset += PAGE) {
      const page = events.slice(offset, offset + PAGE);
      await storage.events.append(WORKSPACE, page);
      clock.set(Date.parse(page[page.length - 1]!.timestamp));
      const start = performance.now();
      await engine.drain();
      const ms = performance.now() - start;
      total += ms;
      perEvent.push((ms * 1000) / page.length);
    }
    perEvent.sort((a, b) => a - b);
    return {
      p99: perEvent[Math.floor(perEvent.length * 0.99)]!,
      eventsPerSecond: (events.length * 1000) / total,
    };
  } finally {
    await close();
  }
}

const memory = async (clock: Clock) => ({ storage: memoryStorage({ clock }), close: async () => {} });

const sqlite = async (clock: Clock) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cx-bench-segments-'));
  const storage = sqliteStorage({ filename: path.join(dir, 'segments.db'), clock });
  return {
    storage,
    close: async () => {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

/**
 * The engine's own evaluation per event (fold into the leaves the event touches, re-evaluate the
 * segments above them), states in memory, 50 live definitions: p99 over EVENTS events, in µs.
 */
async function evaluationCost(): Promise<number> {
  const evaluator = createMembershipEvaluator({
    segments: mixedDefinitions(),
    computedTraits: COMPUTED_TRAITS,
  });
  const traits = new Map(
    Array.from({ length: PEOPLE }, (_, i) => [
      `p${i}`,
      { plan: i % 3 === 0 ? 'pro' : 'free', age: 18 + (i % 50) },
    ]),
  );
  const times = new Float64Array(EVENTS);
  traffic().forEach((event, i) => {
    const now = Date.parse(event.timestamp);
    const start = performance.now();
    evaluator.apply(event.profileId!, event, now, traits.get(event.profileId!));
    times[i] = (performance.now() - start) * 1000;
  });
  times.sort();
  return times[Math.floor(EVENTS * 0.99)]!;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'segments.incremental.memory',
    unit: 'µs/event (p99)',
    higherIsBetter: false,
    runs: 5,
    async measure() {
      await evaluationCost(); // warm up the compiled leaves
      return { value: Number((await evaluationCost()).toFixed(1)) };
    },
  },
  {
    name: 'segments.incremental.memory.consumer',
    unit: 'events/s',
    higherIsBetter: true,
    runs: 3,
    async measure() {
      const result = await incremental(memory);
      return { value: Math.round(result.eventsPerSecond) };
    },
  },
  {
    name: 'segments.incremental.sqlite',
    unit: 'µs/event (p99 of pages)',
    higherIsBetter: false,
    runs: 3,
    async measure() {
      const result = await incremental(sqlite);
      return { value: Number(result.p99.toFixed(1)) };
    },
  },
  {
    name: 'segments.incremental.sqlite.consumer',
    unit: 'events/s',
    higherIsBetter: true,
    runs: 3,
    async measure() {
      const result = await incremental(sqlite);
      return { value: Math.round(result.eventsPerSecond) };
    },
  },
  expiryLateness,
  ...backfillPostgres,
];
