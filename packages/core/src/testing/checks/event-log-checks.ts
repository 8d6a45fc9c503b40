import assert from 'node:assert/strict';
import type { ConformanceCheck } from '../conformance-types';
import { makeEvent } from '../fixtures';
import { idsOf, rejectsWithCode } from './assertions';

/** Reading the log from a position, as event-log consumers do. */
export const eventLogChecks: ConformanceCheck[] = [
  {
    port: 'events',
    name: 'readLog pages the log in append order from a position; logHead and countAfter follow it',
    async run({ storage, workspace, otherWorkspace }) {
      assert.deepEqual(await storage.events.readLog(workspace, {}), { items: [], position: null });
      assert.equal(await storage.events.logHead(workspace), null);
      assert.equal(await storage.events.countAfter(workspace, null), 0);
      const first = [
        makeEvent({ messageId: 'e1', at: '2026-01-03T00:00:00Z' }),
        makeEvent({ messageId: 'e2' }),
      ];
      await storage.events.append(workspace, first);
      await storage.events.append(otherWorkspace, [makeEvent({ messageId: 'theirs' })]);
      const head = await storage.events.logHead(workspace);
      assert.ok(head !== null);
      await storage.events.append(workspace, [makeEvent({ messageId: 'e3', at: '2025-01-01T00:00:00Z' })]);

      const page1 = await storage.events.readLog(workspace, { limit: 2 });
      assert.deepEqual(idsOf(page1.items), ['e1', 'e2'], 'append order, not time order');
      assert.equal(await storage.events.countAfter(workspace, page1.position), 1);
      assert.equal(await storage.events.countAfter(workspace, null), 3);
      assert.equal(await storage.events.countAfter(workspace, head), 1, 'the head was taken before e3');
      const page2 = await storage.events.readLog(workspace, { after: page1.position, limit: 2 });
      assert.deepEqual(idsOf(page2.items), ['e3']);
      const empty = await storage.events.readLog(workspace, { after: page2.position });
      assert.deepEqual(empty, { items: [], position: page2.position }, 'nothing new: the position stays');
      await storage.events.append(workspace, [makeEvent({ messageId: 'e4' })]);
      const page3 = await storage.events.readLog(workspace, { after: page2.position });
      assert.deepEqual(idsOf(page3.items), ['e4'], 'a later append follows the saved position');
      assert.deepEqual(idsOf((await storage.events.readLog(workspace, { after: head })).items), ['e3', 'e4']);
      assert.equal(await storage.events.countAfter(workspace, page3.position), 0);
      await rejectsWithCode(
        () => storage.events.readLog(workspace, { after: 'not-a-position' }),
        'VALIDATION',
        'bad position',
      );
      await rejectsWithCode(
        () => storage.events.readLog(workspace, { limit: 0 }),
        'VALIDATION',
        'zero limit',
      );
    },
  },
];
