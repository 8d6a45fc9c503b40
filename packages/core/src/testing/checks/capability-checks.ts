import assert from 'node:assert/strict';
import type { ConformanceCheck } from '../conformance-types';
import { makeEvent } from '../fixtures';

/** Checks that run only where the adapter declares the capability. */
export const capabilityChecks: ConformanceCheck[] = [
  {
    port: 'capabilities',
    name: 'sql: storage.sql runs a statement and returns rows',
    requires: 'sql',
    async run({ storage }) {
      assert.ok(storage.sql, 'an adapter that declares sql exposes storage.sql');
      const rows = await storage.sql.query<{ answer: number | string }>('SELECT 41 + 1 AS answer');
      assert.equal(Number(rows[0]?.answer), 42);
    },
  },
  {
    port: 'capabilities',
    name: 'sql: storage.sql.tables names the event, profile and identifier tables with the shared columns',
    requires: 'sql',
    async run({ storage, workspace }) {
      const sql = storage.sql!;
      const p = (n: number) => (sql.dialect === 'postgres' ? `$${n}` : '?');
      const event = makeEvent({ profileId: 'p-sql' });
      await storage.events.append(workspace, [event]);
      await storage.profiles.create(workspace, {
        id: 'p-sql',
        identifiers: [{ type: 'user_id', value: 'u-sql' }],
      });
      const events = await sql.query<{
        message_id: string;
        type: string;
        ts: number | string;
        profile_id: string;
      }>(
        `SELECT message_id, type, ts, profile_id, body FROM ${sql.tables.events} WHERE workspace_id = ${p(1)} ORDER BY seq`,
        [workspace],
      );
      assert.deepEqual(
        events.map((row) => [row.message_id, row.type, Number(row.ts), row.profile_id]),
        [[event.messageId, 'track', Date.parse(event.timestamp), 'p-sql']],
      );
      const owners = await sql.query<{ profile_id: string }>(
        `SELECT i.profile_id FROM ${sql.tables.identifiers} i JOIN ${sql.tables.profiles} p
           ON p.workspace_id = i.workspace_id AND p.id = i.profile_id
         WHERE i.workspace_id = ${p(1)} AND i.type = ${p(2)} AND i.value = ${p(3)} AND p.merged_into IS NULL`,
        [workspace, 'user_id', 'u-sql'],
      );
      assert.deepEqual(
        owners.map((row) => row.profile_id),
        ['p-sql'],
      );
    },
  },
  {
    port: 'capabilities',
    name: 'persistent: data survives closing and reopening the adapter',
    requires: 'persistent',
    async run(context) {
      assert.ok(context.reopen, 'an adapter that declares persistent gives the suite a reopen hook');
      const event = makeEvent({ profileId: 'kept' });
      await context.storage.events.append(context.workspace, [event]);
      const profile = await context.storage.profiles.create(context.workspace, {
        identifiers: [{ type: 'user_id', value: 'kept' }],
      });
      const reopened = await context.reopen();
      assert.deepEqual(await reopened.events.get(context.workspace, event.messageId), event);
      assert.deepEqual(await reopened.profiles.get(context.workspace, profile.id), profile);
    },
  },
];
