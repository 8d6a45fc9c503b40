import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CxEvent } from '@cx/core';
import { applyRecommendedPragmas, sqliteStorage } from '@cx/storage-sqlite';
import Database from 'better-sqlite3';
import { batches, normalizedEvents } from '../data/sample-events';
import type { Benchmark } from '../harness';
import { perSecond, timeSideBySide } from '../harness';

const APPEND_EVENTS = 50_000;
const BATCH = 500;
const WORKSPACE = 'bench';

let dir = '';
let events: CxEvent[] = [];
let run = 0;

/**
 * The peer: better-sqlite3 alone, with a prepared INSERT run for each event inside one
 * transaction per batch, into the very table and indexes cx creates (copied from the cx file's
 * schema, so the two can never drift), with the same pragmas. It does the work any caller must
 * do (serialise the JSON, parse the timestamp) and nothing else: no validation.
 */
function peerAppend(cxFile: string, peerFile: string): () => Promise<void> {
  const source = new Database(cxFile, { readonly: true });
  const schema = source
    .prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'cx_events' AND sql IS NOT NULL ORDER BY rowid")
    .pluck()
    .all() as string[];
  source.close();
  const db = new Database(peerFile, { timeout: 5000 });
  applyRecommendedPragmas(db);
  for (const sql of schema) db.exec(sql);
  const insert = db.prepare(
    `INSERT INTO cx_events (workspace_id, message_id, type, ts, profile_id, body) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (workspace_id, message_id) DO NOTHING`,
  );
  const insertBatch = db.transaction((batch: CxEvent[]) => {
    for (const event of batch) {
      insert.run(
        WORKSPACE,
        event.messageId,
        event.type,
        Date.parse(event.timestamp),
        event.profileId ?? null,
        JSON.stringify(event),
      );
    }
  });
  return async () => {
    for (const batch of batches(events, BATCH)) {
      insertBatch.immediate(batch);
      await Promise.resolve();
    }
    db.close();
  };
}

/**
 * Appends 50,000 normalised events in batches of 500 to `sqliteStorage` on a fresh file, against
 * bare better-sqlite3 doing the same inserts into an equivalent fresh file, in the same run.
 * The order alternates between runs so neither side always pays for the other's garbage.
 */
const appendSqlite: Benchmark = {
  name: 'core.append.sqlite',
  unit: 'events/s',
  higherIsBetter: true,
  peer: 'better-sqlite3 prepared INSERT in a transaction',
  async setup() {
    dir = mkdtempSync(path.join(tmpdir(), 'cx-bench-sqlite-'));
    events = normalizedEvents(APPEND_EVENTS, Date.parse('2026-01-01T00:00:00Z'));
  },
  async measure() {
    const id = run++;
    const cxFile = path.join(dir, `cx-${id}.db`);
    const storage = sqliteStorage({ filename: cxFile });
    const cx = async () => {
      for (const batch of batches(events, BATCH)) await storage.events.append(WORKSPACE, batch);
      await storage.close();
    };
    const peer = peerAppend(cxFile, path.join(dir, `peer-${id}.db`));
    const { cxMs, peerMs } = await timeSideBySide(id, cx, peer);
    return { value: perSecond(APPEND_EVENTS, cxMs), peerValue: perSecond(APPEND_EVENTS, peerMs) };
  },
  async teardown() {
    rmSync(dir, { recursive: true, force: true });
  },
};

export const benchmarks: Benchmark[] = [appendSqlite];
