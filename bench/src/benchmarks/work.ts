import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { memoryStorage } from '@cx/core';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { createTemporaryDatabase, type TemporaryDatabase } from '@cx/storage-postgres/testing';
import { applyRecommendedPragmas, sqliteStorage } from '@cx/storage-sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Benchmark } from '../harness';
import { perSecond, timeMs, timeSideBySide } from '../harness';
import { scheduleClaimComplete, WORK_BATCH, WORK_ITEMS } from '../work/work-cycle';

const WORKSPACE = 'bench';
let run = 0;

/** Scheduled, claimed and completed per second on the reference memory adapter. No peer. */
const workMemory: Benchmark = {
  name: 'core.work.memory',
  unit: 'items/s',
  higherIsBetter: true,
  async measure() {
    const storage = memoryStorage();
    const ms = await timeMs(() => scheduleClaimComplete(storage, WORKSPACE, run++));
    return { value: perSecond(WORK_ITEMS, ms) };
  },
};

/**
 * The SQLite peer: a one-table queue on bare better-sqlite3 with the same pragmas. Per batch:
 * insert 500 rows in one transaction; then, in one immediate transaction, select the 500 due
 * rows in due order and delete them. That is the least a queue can do; it has no leases, no
 * retries and no idempotency keys.
 */
export function sqlitePeer(file: string) {
  const db = new Database(file, { timeout: 5000 });
  applyRecommendedPragmas(db);
  db.exec(`CREATE TABLE q (id INTEGER PRIMARY KEY, due_at INTEGER NOT NULL, payload TEXT NOT NULL);
           CREATE INDEX q_due ON q (due_at)`);
  const insert = db.prepare('INSERT INTO q (due_at, payload) VALUES (?, ?)');
  const select = db.prepare('SELECT id, payload FROM q WHERE due_at <= ? ORDER BY due_at LIMIT ?');
  const remove = db.prepare('DELETE FROM q WHERE id = ?');
  const push = db.transaction((rows: number, from: number) => {
    const now = Date.now();
    for (let i = 0; i < rows; i++) insert.run(now, JSON.stringify({ n: from + i }));
  });
  const take = db.transaction(() => {
    const rows = select.all(Date.now(), WORK_BATCH) as { id: number; payload: string }[];
    for (const row of rows) {
      JSON.parse(row.payload);
      remove.run(row.id);
    }
    return rows.length;
  });
  return async () => {
    for (let start = 0; start < WORK_ITEMS; start += WORK_BATCH) {
      push.immediate(Math.min(WORK_BATCH, WORK_ITEMS - start), start);
      await Promise.resolve();
      take.immediate();
      await Promise.resolve();
    }
    db.close();
  };
}

let dir = '';
const workSqlite: Benchmark = {
  name: 'core.work.sqlite',
  unit: 'items/s',
  higherIsBetter: true,
  peer: 'better-sqlite3 one-table queue (INSERT; SELECT + DELETE)',
  async setup() {
    dir = mkdtempSync(path.join(tmpdir(), 'cx-bench-work-'));
  },
  async measure() {
    const id = run++;
    const storage = sqliteStorage({ filename: path.join(dir, `cx-${id}.db`) });
    const cx = async () => {
      await scheduleClaimComplete(storage, WORKSPACE, id);
      await storage.close();
    };
    const { cxMs, peerMs } = await timeSideBySide(id, cx, sqlitePeer(path.join(dir, `peer-${id}.db`)));
    return { value: perSecond(WORK_ITEMS, cxMs), peerValue: perSecond(WORK_ITEMS, peerMs) };
  },
  async teardown() {
    rmSync(dir, { recursive: true, force: true });
  },
};

let database: TemporaryDatabase | undefined;
let pool: pg.Pool | undefined;

/**
 * The PostgreSQL peer: a one-table queue on the bare `pg` driver. Per batch: one INSERT of 500
 * rows (unnest); then `BEGIN`, `SELECT … ORDER BY due_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
 * `DELETE … WHERE id = ANY(…)`, `COMMIT`: the loop pg-boss and graphile-worker are built around,
 * without their leases, retries or keys.
 */
export async function postgresPeer(db: pg.Pool) {
  const client = await db.connect();
  try {
    for (let start = 0; start < WORK_ITEMS; start += WORK_BATCH) {
      const size = Math.min(WORK_BATCH, WORK_ITEMS - start);
      const payloads = Array.from({ length: size }, (_, i) => JSON.stringify({ n: start + i }));
      await client.query('INSERT INTO peer_q (due_at, payload) SELECT $1, p FROM unnest($2::text[]) AS p', [
        Date.now(),
        payloads,
      ]);
      await client.query('BEGIN');
      const taken = await client.query<{ id: string; payload: string }>(
        'SELECT id, payload FROM peer_q WHERE due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED',
        [Date.now(), WORK_BATCH],
      );
      for (const row of taken.rows) JSON.parse(row.payload);
      await client.query('DELETE FROM peer_q WHERE id = ANY($1::bigint[])', [
        taken.rows.map((row) => row.id),
      ]);
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
}

/** The table {@link postgresPeer} queues in; create it once per database. */
export const POSTGRES_PEER_TABLE = `CREATE TABLE peer_q (id bigserial PRIMARY KEY, due_at bigint NOT NULL, payload text NOT NULL);
                      CREATE INDEX peer_q_due ON peer_q (due_at)`;

const workPostgres: Benchmark = {
  name: 'core.work.postgres',
  unit: 'items/s',
  higherIsBetter: true,
  peer: 'pg one-table queue (INSERT; SELECT … FOR UPDATE SKIP LOCKED + DELETE)',
  async setup() {
    database = await createTemporaryDatabase({ prefix: 'cx_bench_work' });
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    pool.on('error', () => {});
    await migrate(pool);
    await pool.query(POSTGRES_PEER_TABLE);
  },
  async measure() {
    const db = pool!;
    const id = run++;
    await db.query('VACUUM ANALYZE cx_work, peer_q');
    const storage = postgresStorage({ pool: db });
    const { cxMs, peerMs } = await timeSideBySide(
      id,
      () => scheduleClaimComplete(storage, WORKSPACE, id),
      () => postgresPeer(db),
    );
    return { value: perSecond(WORK_ITEMS, cxMs), peerValue: perSecond(WORK_ITEMS, peerMs) };
  },
  async teardown() {
    pool?.on('error', () => {});
    await pool?.end();
    pool = undefined;
    await database?.drop();
  },
};

export const benchmarks: Benchmark[] = [workMemory, workSqlite, workPostgres];
