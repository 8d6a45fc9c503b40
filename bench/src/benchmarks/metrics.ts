import type { CxEvent } from '@cx/core';
import {
  breakdownSurvey,
  type CustomerSummary,
  createStreamingFunnel,
  type FunnelDefinitionInput,
  type FunnelResult,
  fitBgNbd,
  nps,
  type SurveyResponse,
  sqlFunnel,
} from '@cx/metrics';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { createTemporaryDatabase } from '@cx/storage-postgres/testing';
import pg from 'pg';
import type { Benchmark } from '../harness';
import { timeMs } from '../harness';

/*
 * @cx/metrics benchmarks. CX_BENCH_SCALE (default 1) scales every data set: 0.1 runs the funnel
 * on 1,000,000 events of 100,000 people. Data comes from a seeded generator, so every run and
 * both sides of a comparison see the same events.
 */
const SCALE = Number(process.env.CX_BENCH_SCALE ?? '1');
const PEOPLE = Math.round(1_000_000 * SCALE);
const EVENTS = Math.round(10_000_000 * SCALE);
const WORKSPACE = 'bench';
const SCHEMA = 'bench_metrics';
const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');
const STEPS = ['Home Viewed', 'Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'];
const NOISE = ['Searched', 'Scrolled', 'Banner Clicked'];
const NAMES = [...STEPS, ...NOISE];

const funnel: FunnelDefinitionInput = {
  steps: STEPS.map((event) => ({ event })),
  windowMs: 7 * DAY,
};

/** Small seeded PRNG (mulberry32). */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The funnel data set in columns: person index, timestamp and event-name code per event. */
interface Columns {
  person: Int32Array;
  ts: Float64Array;
  name: Uint8Array;
}

/**
 * Each person gets about ten events, a few hours apart, starting at a random time in January.
 * The next funnel step comes with probability 0.35 per event, otherwise noise; a person who
 * finishes the funnel may start again.
 */
function generate(): Columns {
  const random = prng(20260101);
  const person = new Int32Array(EVENTS);
  const ts = new Float64Array(EVENTS);
  const name = new Uint8Array(EVENTS);
  let i = 0;
  for (let p = 0; p < PEOPLE && i < EVENTS; p++) {
    const remainingPeople = PEOPLE - p;
    const count =
      p === PEOPLE - 1
        ? EVENTS - i
        : Math.min(EVENTS - i, Math.max(1, Math.round(((EVENTS - i) / remainingPeople) * (0.5 + random()))));
    let t = START + Math.floor(random() * 30 * DAY);
    let stage = 0;
    for (let k = 0; k < count; k++) {
      t += Math.floor(-Math.log(1 - random()) * 6 * 3_600_000);
      person[i] = p;
      ts[i] = t;
      if (random() < 0.35) {
        name[i] = stage;
        stage = (stage + 1) % STEPS.length;
      } else name[i] = STEPS.length + Math.floor(random() * NOISE.length);
      i++;
    }
  }
  return { person: person.subarray(0, i), ts: ts.subarray(0, i), name: name.subarray(0, i) };
}

let pool: pg.Pool | undefined;
let columns: Columns | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the events straight into the events table (not through the ingest path): batches of
 * 100,000 rows sent as four arrays and turned into rows, JSON bodies included, by `unnest`.
 */
async function load(): Promise<void> {
  columns = generate();
  const database = await createTemporaryDatabase({ prefix: 'cx_bench_metrics' });
  // work_mem lets the window sorts run in memory, the setting a DBA would give analytics queries.
  pool = new pg.Pool({ connectionString: database.url, max: 2, options: '-c work_mem=512MB' });
  // The forced drop at teardown ends connections `end()` has not closed yet (57P01).
  pool.on('error', () => {});
  await migrate(pool, { schema: SCHEMA });
  const table = `${SCHEMA}.cx_events`;
  const BATCH = 100_000;
  const { person, ts, name } = columns;
  for (let offset = 0; offset < person.length; offset += BATCH) {
    const end = Math.min(person.length, offset + BATCH);
    const ids: number[] = [];
    const people: number[] = [];
    const times: number[] = [];
    const names: string[] = [];
    for (let i = offset; i < end; i++) {
      ids.push(i);
      people.push(person[i]!);
      times.push(ts[i]!);
      names.push(NAMES[name[i]!]!);
    }
    await pool.query(
      `INSERT INTO ${table} (workspace_id, message_id, type, ts, profile_id, body)
       SELECT $1, 'm' || i, 'track', t, 'p' || p,
         jsonb_build_object('type', 'track', 'event', n, 'userId', 'p' || p, 'messageId', 'm' || i, 'properties', '{}'::jsonb)
       FROM unnest($2::bigint[], $3::int[], $4::bigint[], $5::text[]) AS u(i, p, t, n)`,
      [WORKSPACE, ids, people, times, names],
    );
  }
  await pool.query(`ANALYZE ${table}`);
  process.once('beforeExit', () => {
    pool?.on('error', () => {}); // the forced drop may end connections end() left open
    void pool?.end().then(() => database.drop());
  });
}

const ensureLoaded = () => {
  loading ??= load();
  return loading;
};

/**
 * The in-memory side: every event as a stored event object, fed to the streaming funnel. Objects
 * are built in chunks of 100,000 outside the timed part (ten million at once would not fit in
 * the default heap); the time is feeding them and reading the result.
 */
async function memoryFunnel(): Promise<{ result: FunnelResult; ms: number }> {
  const { person, ts, name } = columns!;
  const streaming = createStreamingFunnel(funnel);
  const properties = {};
  const CHUNK = 100_000;
  let ms = 0;
  for (let offset = 0; offset < person.length; offset += CHUNK) {
    const chunk: CxEvent[] = [];
    for (let i = offset; i < Math.min(person.length, offset + CHUNK); i++) {
      const userId = `p${person[i]!}`;
      const iso = new Date(ts[i]!).toISOString();
      chunk.push({
        type: 'track',
        event: NAMES[name[i]!]!,
        userId,
        profileId: userId,
        messageId: `m${i}`,
        timestamp: iso,
        originalTimestamp: iso,
        receivedAt: iso,
        properties,
      });
    }
    ms += await timeMs(() => {
      for (const event of chunk) streaming.add(event);
    });
  }
  let result: FunnelResult | undefined;
  ms += await timeMs(() => {
    result = streaming.result();
  });
  return { result: result!, ms };
}

async function postgresFunnel(): Promise<FunnelResult> {
  const storage = postgresStorage({ pool: pool!, schema: SCHEMA });
  return sqlFunnel(storage, WORKSPACE, funnel);
}

const counts = (result: FunnelResult) => result.steps.map((step) => step.count).join(',');

const funnelMemory: Benchmark = {
  name: 'metrics.funnel.memory',
  unit: 's',
  higherIsBetter: false,
  peer: 'the same funnel as one SQL query on PostgreSQL',
  runs: 3,
  setup: ensureLoaded,
  async measure() {
    const { result: memory, ms: memoryMs } = await memoryFunnel();
    let sql: FunnelResult | undefined;
    const sqlMs = await timeMs(async () => {
      sql = await postgresFunnel();
    });
    if (counts(memory) !== counts(sql!)) {
      throw new Error(`Funnel counts differ: memory ${counts(memory)}, postgres ${counts(sql!)}`);
    }
    return { value: memoryMs / 1000, peerValue: sqlMs / 1000 };
  },
};

const funnelPostgres: Benchmark = {
  name: 'metrics.funnel.postgres',
  unit: 's',
  higherIsBetter: false,
  runs: 3,
  setup: ensureLoaded,
  async measure() {
    return { value: (await timeMs(postgresFunnel)) / 1000 };
  },
};

let responses: SurveyResponse[] = [];

/** NPS with its interval, broken down by touchpoint and month, over 1,000,000 answers. */
const npsBenchmark: Benchmark = {
  name: 'metrics.nps',
  unit: 'ms',
  higherIsBetter: false,
  async setup() {
    const random = prng(7);
    const touchpoints = ['web', 'app', 'store', 'call-center', 'chat', 'email'];
    const count = Math.round(1_000_000 * SCALE);
    responses = Array.from({ length: count }, (_, i) => {
      const touchpoint = touchpoints[Math.floor(random() * touchpoints.length)]!;
      return {
        messageId: `s${i}`,
        timestamp: START + Math.floor(random() * 365 * DAY),
        profileId: `p${i % 100_000}`,
        userId: null,
        survey: 'relationship',
        question: 'nps',
        score: Math.min(10, Math.floor(random() * 12)),
        touchpoint,
        channel: null,
        comment: null,
        properties: { touchpoint },
        context: {},
      };
    });
  },
  async measure() {
    const ms = await timeMs(() => {
      nps(responses.map((response) => response.score));
      breakdownSurvey(responses, {
        metric: { kind: 'nps' },
        dimensions: [
          { kind: 'property', name: 'touchpoint' },
          { kind: 'time', bucket: 'month' },
        ],
      });
    });
    return { value: ms };
  },
  async teardown() {
    responses = [];
  },
};

let customers: CustomerSummary[] = [];

/** Fits BG/NBD on 100,000 customers simulated from the CDNow parameters. */
const bgnbdBenchmark: Benchmark = {
  name: 'metrics.bgnbd.fit',
  unit: 's',
  higherIsBetter: false,
  runs: 3,
  async setup() {
    const random = prng(11);
    const gamma = (shape: number): number => {
      // Marsaglia–Tsang, boosted below shape 1.
      if (shape < 1) return gamma(shape + 1) * random() ** (1 / shape);
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        const x = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const v = (1 + c * x) ** 3;
        if (v > 0 && Math.log(1 - random()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    const count = Math.round(100_000 * SCALE);
    customers = Array.from({ length: count }, () => {
      const lambda = gamma(0.243) / 4.414;
      const g1 = gamma(0.793);
      const p = g1 / (g1 + gamma(2.426));
      const T = 26 + random() * 26;
      let t = 0;
      let x = 0;
      let last = 0;
      for (;;) {
        t += -Math.log(1 - random()) / lambda;
        if (t >= T) break;
        x++;
        last = t;
        if (random() < p) break;
      }
      return { frequency: x, recency: last, T };
    });
  },
  async measure() {
    return { value: (await timeMs(() => fitBgNbd(customers))) / 1000 };
  },
  async teardown() {
    customers = [];
  },
};

export const benchmarks: Benchmark[] = [funnelMemory, funnelPostgres, npsBenchmark, bgnbdBenchmark];
