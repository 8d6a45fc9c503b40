import type { CxEvent } from '@cx/core';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { createTemporaryDatabase, type TemporaryDatabase } from '@cx/storage-postgres/testing';
import pg from 'pg';
import { batches, normalizedEvents } from '../data/sample-events';
import type { Benchmark } from '../harness';
import { perSecond, timeSideBySide } from '../harness';

const APPEND_EVENTS = 50_000;
const BATCH = 500;
const WORKSPACE = 'bench';
const PEER_SCHEMA = 'peer';
const COLUMNS = 6;

let database: TemporaryDatabase | undefined;
let pool: pg.Pool | undefined;
let events: CxEvent[] = [];
let run = 0;

/** `INSERT ... VALUES ($1, ..., $6), ($7, ...), ...` for `rows` rows. */
function multiRowInsert(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, row) => {
    const first = row * COLUMNS;
    return `(${Array.from({ length: COLUMNS }, (_, column) => `$${first + column + 1}`).join(', ')})`;
  });
  return `INSERT INTO ${PEER_SCHEMA}.cx_events (workspace_id, message_id, type, ts, profile_id, body)
    VALUES ${tuples.join(', ')}
    ON CONFLICT (workspace_id, message_id) DO NOTHING`;
}

/**
 * The peer: the bare `pg` driver sending one multi-row INSERT ... VALUES per batch of 500 into
 * a table created by the same migration as cx's (schema `peer`, so columns and indexes can
 * never drift). It does the work any caller must do (serialise the JSON, parse the timestamp)
 * and nothing else: no validation, no result reporting.
 */
async function peerAppend(db: pg.Pool): Promise<void> {
  const texts = new Map<number, string>();
  for (const batch of batches(events, BATCH)) {
    let text = texts.get(batch.length);
    if (text === undefined) {
      text = multiRowInsert(batch.length);
      texts.set(batch.length, text);
    }
    const params: unknown[] = [];
    for (const event of batch) {
      params.push(
        WORKSPACE,
        event.messageId,
        event.type,
        Date.parse(event.timestamp),
        event.profileId ?? null,
        JSON.stringify(event),
      );
    }
    await db.query(text, params);
  }
}

/**
 * Appends 50,000 normalised events in batches of 500 through `postgresStorage`, against the bare
 * driver doing the same inserts into an equivalent empty table, in the same run on the same
 * server. Both tables are emptied before each run, and the order alternates between runs so
 * neither side always runs after the other's checkpoint or autovacuum.
 */
const appendPostgres: Benchmark = {
  name: 'core.append.postgres',
  unit: 'events/s',
  higherIsBetter: true,
  peer: 'pg multi-row INSERT',
  async setup() {
    database = await createTemporaryDatabase({ prefix: 'cx_bench' });
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    // The forced drop at teardown ends connections `end()` has not closed yet (57P01).
    pool.on('error', () => {});
    await migrate(pool);
    await migrate(pool, { schema: PEER_SCHEMA });
    events = normalizedEvents(APPEND_EVENTS, Date.parse('2026-01-01T00:00:00Z'));
  },
  async measure() {
    const db = pool!;
    const id = run++;
    await db.query(`TRUNCATE public.cx_events, ${PEER_SCHEMA}.cx_events`);
    await db.query(`VACUUM ANALYZE public.cx_events, ${PEER_SCHEMA}.cx_events`);
    await db.query('CHECKPOINT');
    const storage = postgresStorage({ pool: db });
    const cx = async () => {
      for (const batch of batches(events, BATCH)) await storage.events.append(WORKSPACE, batch);
    };
    const peer = () => peerAppend(db);
    const { cxMs, peerMs } = await timeSideBySide(id, cx, peer);
    return { value: perSecond(APPEND_EVENTS, cxMs), peerValue: perSecond(APPEND_EVENTS, peerMs) };
  },
  async teardown() {
    // `end()` resolves before the server has closed every connection; the forced drop then
    // terminates the stragglers (57P01), which a pool without a listener would rethrow.
    pool?.on('error', () => {});
    await pool?.end();
    pool = undefined;
    await database?.drop();
  },
};

export const benchmarks: Benchmark[] = [appendPostgres];
