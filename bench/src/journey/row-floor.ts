import { createHash } from 'node:crypto';
import { applyRecommendedPragmas, sqliteStorage } from '@cx/storage-sqlite';
import Database from 'better-sqlite3';

const WS = 'floor';
const BATCH = 200;
const START = Date.parse('2026-01-01T00:00:00Z');

/** An instance document as the runtime stores one waiting at its first wait (about 430 bytes). */
const instance = (n: number) => ({
  state: {
    id: `bench-waits@1/p${n}/1`,
    journeyId: 'bench-waits',
    version: 1,
    profileId: `p${n}`,
    status: 'waiting',
    node: 'w1',
    entry: {},
    correlation: {},
    data: {},
    waiting: { kind: 'timer', node: 'w1', at: START + 60_000 },
    enteredAt: START,
    path: [{ node: 'w1', at: START }],
  },
  events: 2,
  failures: [],
});

/**
 * What bounds `journey.steps.sqlite` from below: the rows one journey transition writes, on cx's
 * own SQLite schema (its tables and indexes, its pragmas), written by bare better-sqlite3 with no
 * runtime in between. Per 200 transitions: one transaction claims 200 due timers (select and
 * lease), one reads the 200 instance documents, updates each under its version, deletes each
 * timer, inserts each next timer and appends one `Journey Step` event (about 420 bytes, with its
 * unique message id and its log and profile indexes). Nothing reads the events back. Returns a
 * function that runs `count` transitions and closes the database.
 */
export async function rowFloor(file: string, count: number): Promise<() => void> {
  // Let the adapter create its schema, then write to the same file bare.
  await sqliteStorage({ filename: file }).close();
  const db = new Database(file, { timeout: 5000 });
  applyRecommendedPragmas(db);
  const putDocument = db.prepare(
    `INSERT INTO cx_documents (workspace_id, collection, key, value, version, updated_at) VALUES (?, 'journey.instances', ?, ?, 1, ?)`,
  );
  const putTimer = db.prepare(
    `INSERT INTO cx_work (workspace_id, queue, key, payload, due_at, lease_until, dead, attempts, last_error, owner, token, created_at)
     VALUES (?, 'journey.timers', ?, ?, ?, NULL, 0, 0, NULL, NULL, 1, ?)`,
  );
  db.transaction(() => {
    for (let n = 0; n < count; n++) {
      const key = `bench-waits@1/p${n}/1`;
      putDocument.run(WS, key, JSON.stringify(instance(n)), START);
      putTimer.run(WS, key, JSON.stringify({ node: 'w1', at: START + 60_000 }), START + 60_000, START);
    }
  }).immediate();

  const due = db.prepare(
    `SELECT key, token FROM cx_work WHERE workspace_id = ? AND queue = 'journey.timers' AND dead = 0 AND due_at <= ?
     ORDER BY due_at, key LIMIT ?`,
  );
  const lease = db.prepare(
    `UPDATE cx_work SET lease_until = ?, owner = 'floor', token = token + 1, attempts = attempts + 1
     WHERE workspace_id = ? AND queue = 'journey.timers' AND key = ?`,
  );
  const read = db.prepare(
    `SELECT value, version FROM cx_documents WHERE workspace_id = ? AND collection = 'journey.instances' AND key = ?`,
  );
  const write = db.prepare(
    `UPDATE cx_documents SET value = ?, version = version + 1, updated_at = ?
     WHERE workspace_id = ? AND collection = 'journey.instances' AND key = ? AND version = ?`,
  );
  const complete = db.prepare(
    `DELETE FROM cx_work WHERE workspace_id = ? AND queue = 'journey.timers' AND key = ? AND token = ?`,
  );
  const append = db.prepare(
    `INSERT INTO cx_events (workspace_id, message_id, type, ts, profile_id, body) VALUES (?, ?, 'track', ?, ?, ?)`,
  );
  const now = START + 60_000;
  const claim = db.transaction(() => {
    const rows = due.all(WS, now, BATCH) as { key: string; token: number }[];
    for (const row of rows) lease.run(now + 30_000, WS, row.key);
    return rows.map((row) => ({ key: row.key, token: row.token + 1 }));
  });
  const step = db.transaction((claimed: { key: string; token: number }[]) => {
    for (const { key, token } of claimed) {
      const stored = read.get(WS, key) as { value: string; version: number };
      const document = JSON.parse(stored.value) as ReturnType<typeof instance>;
      document.state.node = 'w2';
      document.state.path.push({ node: 'w2', at: now });
      document.events += 1;
      if (write.run(JSON.stringify(document), now, WS, key, stored.version).changes !== 1)
        throw new Error('conflict');
      if (complete.run(WS, key, token).changes !== 1) throw new Error('lease lost');
      putTimer.run(WS, key, JSON.stringify({ node: 'w2', at: now + 60_000 }), now + 60_000, now);
      const messageId = `jny-${createHash('sha1').update(`${key}\u0000${document.events}`).digest('hex')}`;
      const event = {
        type: 'track',
        event: 'Journey Step',
        messageId,
        anonymousId: document.state.profileId,
        properties: { journeyId: 'bench-waits', version: 1, instanceId: key, node: 'w2', from: 'w1' },
        timestamp: new Date(now).toISOString(),
        context: { library: { name: '@cx/journey' } },
        receivedAt: new Date(now).toISOString(),
        profileId: document.state.profileId,
      };
      append.run(WS, messageId, now, document.state.profileId, JSON.stringify(event));
    }
  });
  return () => {
    for (let claimed = claim.immediate(); claimed.length > 0; claimed = claim.immediate())
      step.immediate(claimed);
    db.close();
  };
}
