import type { CxEvent } from '@cx/core';
import { makeEvent, makeEvents } from '@cx/core/testing';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, postgresStorage } from '../src';
import { freshSchema, testPool, untilScanSees } from './helpers';

/*
 * Concurrent writers, made deterministic: transactions are held open on raw connections of the
 * pool while the adapter works on others, so the interleavings that race in production happen
 * here in a fixed order. Every held transaction is committed or rolled back before its test ends.
 */

const pool = testPool();
afterAll(() => pool.end());

const WORKSPACE = 'acme';

async function freshStorage() {
  const schema = freshSchema();
  await migrate(pool, { schema });
  const storage = postgresStorage({ pool, schema });
  return { storage, table: storage.sql!.tables.events };
}

/** The row an append writes, inserted by hand inside the caller's transaction. */
async function insertRow(client: pg.PoolClient, table: string, event: CxEvent): Promise<void> {
  await client.query(
    `INSERT INTO ${table} (workspace_id, message_id, type, ts, profile_id, body) VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      WORKSPACE,
      event.messageId,
      event.type,
      Date.parse(event.timestamp),
      event.profileId ?? null,
      JSON.stringify(event),
    ],
  );
}

/** A connection with an open transaction; `end` commits or rolls back, and always releases it. */
async function openTransaction() {
  const client = await pool.connect();
  let open = true;
  await client.query('BEGIN').catch((error: unknown) => {
    client.release();
    throw error;
  });
  return {
    client,
    async end(outcome: 'COMMIT' | 'ROLLBACK') {
      if (!open) return;
      open = false;
      try {
        await client.query(outcome);
      } finally {
        client.release();
      }
    },
  };
}

const idsOf = (events: readonly { messageId: string }[]) => events.map((event) => event.messageId);

/** Every event after `cursor`, a page of `limit` at a time. */
async function scanFrom(
  storage: ReturnType<typeof postgresStorage>,
  cursor: string | null,
  limit: number,
): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const page = await storage.events.scan(WORKSPACE, { cursor, limit });
    seen.push(...idsOf(page.items));
    if (page.nextCursor === null) return seen;
    cursor = page.nextCursor;
  }
}

describe('scan with concurrent writers', () => {
  it('hides a committed append while an older transaction runs, then pages on from an earlier cursor with no gap', async () => {
    const { storage, table } = await freshStorage();
    const [e0, e1] = makeEvents(2);
    await storage.events.append(WORKSPACE, [e0!, e1!]);
    await untilScanSees(pool, WORKSPACE, table);
    const first = await storage.events.scan(WORKSPACE, { limit: 1 });
    expect(idsOf(first.items)).toEqual([e0!.messageId]);
    const cursor = first.nextCursor;
    expect(cursor).not.toBeNull();

    const held = await openTransaction();
    try {
      // `slow` takes the next seq and its transaction stays open; `fast` is appended (and
      // committed) through the adapter after it, with the seq after.
      const slow = makeEvent();
      await insertRow(held.client, table, slow);
      const fast = makeEvent({ profileId: 'p1' });
      expect((await storage.events.append(WORKSPACE, [fast])).inserted).toEqual([fast.messageId]);

      expect(idsOf((await storage.events.scan(WORKSPACE, { cursor })).items)).toEqual([e1!.messageId]);
      expect(await scanFrom(storage, null, 1)).toEqual([e0!.messageId, e1!.messageId]);
      // get and listByProfile are lookups, not a tail of the log: they see `fast` at once.
      expect(await storage.events.get(WORKSPACE, fast.messageId)).toEqual(fast);
      const byProfile = await storage.events.listByProfile(WORKSPACE, { profileIds: ['p1'] });
      expect(idsOf(byProfile.items)).toEqual([fast.messageId]);

      await held.end('COMMIT');
      await untilScanSees(pool, WORKSPACE, table);
      expect(await scanFrom(storage, cursor, 1)).toEqual([e1!.messageId, slow.messageId, fast.messageId]);
      expect(await scanFrom(storage, cursor, 100)).toEqual([e1!.messageId, slow.messageId, fast.messageId]);
      const bySeq = await pool.query<{ message_id: string }>(
        `SELECT message_id FROM ${table} WHERE workspace_id = $1 ORDER BY seq`,
        [WORKSPACE],
      );
      expect(bySeq.rows.map((row) => row.message_id)).toEqual(idsOf([e0!, e1!, slow, fast]));
    } finally {
      await held.end('ROLLBACK');
    }
  });

  it('never skips a row of a batch whose seqs interleave with a batch that committed first', async () => {
    const { storage, table } = await freshStorage();
    // Two multi-row appends running at once draw seqs from the same identity row by row:
    // a1 (seq 1), b1 (seq 2), a2 (seq 3), a3 (seq 4). Batch a commits while b is still open.
    const [a1, a2, a3] = makeEvents(3);
    const b1 = makeEvent();
    const a = await openTransaction();
    const b = await openTransaction();
    try {
      await insertRow(a.client, table, a1!);
      await insertRow(b.client, table, b1);
      await insertRow(a.client, table, a2!);
      await insertRow(a.client, table, a3!);
      await a.end('COMMIT');

      await untilScanSees(pool, WORKSPACE, table);
      const first = await storage.events.scan(WORKSPACE, { limit: 2 });
      expect(idsOf(first.items)).toEqual(idsOf([a1!, a2!]));
      // A reader ordering by seq alone would now hold a cursor past b1's seq and never see it.
      const cursor = first.nextCursor;
      expect(cursor).not.toBeNull();

      await b.end('COMMIT');
      await untilScanSees(pool, WORKSPACE, table);
      expect(await scanFrom(storage, cursor, 1)).toEqual(idsOf([a3!, b1]));
      expect(await scanFrom(storage, null, 1)).toEqual(idsOf([a1!, a2!, a3!, b1]));
      const bySeq = await pool.query<{ message_id: string }>(
        `SELECT message_id FROM ${table} WHERE workspace_id = $1 ORDER BY seq`,
        [WORKSPACE],
      );
      expect(bySeq.rows.map((row) => row.message_id)).toEqual(idsOf([a1!, b1, a2!, a3!]));
    } finally {
      await a.end('ROLLBACK');
      await b.end('ROLLBACK');
    }
  });

  it('drops nothing when the older transaction rolls back', async () => {
    const { storage, table } = await freshStorage();
    const held = await openTransaction();
    try {
      await insertRow(held.client, table, makeEvent());
      const [e0, e1] = makeEvents(2);
      await storage.events.append(WORKSPACE, [e0!]);
      await storage.events.append(WORKSPACE, [e1!]);
      expect((await storage.events.scan(WORKSPACE)).items).toEqual([]);
      await held.end('ROLLBACK');
      await untilScanSees(pool, WORKSPACE, table);
      expect(await scanFrom(storage, null, 1)).toEqual(idsOf([e0!, e1!]));
    } finally {
      await held.end('ROLLBACK');
    }
  });
});
