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
