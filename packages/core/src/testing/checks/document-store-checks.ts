import assert from 'node:assert/strict';
import type { ConformanceCheck } from '../conformance-types';
import { rejectsWithCode } from './assertions';

/** The document store's contract. */
export const documentStoreChecks: ConformanceCheck[] = [
  {
    port: 'documents',
    name: 'put and get round-trip JSON documents with versions',
    async run({ storage, workspace, clock }) {
      const value = {
        name: 'Checkout test',
        weights: [0.5, 0.5],
        nested: { ok: true, none: null },
        text: 'Tết 🎉',
      };
      const created = await storage.documents.put(workspace, {
        collection: 'abtest.experiments',
        key: 'exp-1',
        value,
      });
      assert.deepEqual(created, {
        collection: 'abtest.experiments',
        key: 'exp-1',
        value,
        version: 1,
        updatedAt: new Date(clock.now()).toISOString(),
      });
      assert.deepEqual(await storage.documents.get(workspace, 'abtest.experiments', 'exp-1'), created);
      const replaced = await storage.documents.put(workspace, {
        collection: 'abtest.experiments',
        key: 'exp-1',
        value: 7,
      });
      assert.equal(replaced.version, 2);
      assert.equal((await storage.documents.get(workspace, 'abtest.experiments', 'exp-1'))?.value, 7);
      assert.equal(await storage.documents.get(workspace, 'abtest.experiments', 'missing'), null);
      assert.equal(await storage.documents.get(workspace, 'other.collection', 'exp-1'), null);
    },
  },
  {
    port: 'documents',
    name: 'put with expectedVersion is a compare-and-set: of concurrent writers exactly one wins',
    async run({ storage, workspace }) {
      await rejectsWithCode(
        () => storage.documents.put(workspace, { collection: 'c', key: 'k', value: 1, expectedVersion: 1 }),
        'CONFLICT',
        'expected version of a missing document',
      );
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          storage.documents.put(workspace, { collection: 'c', key: 'k', value: i, expectedVersion: 0 }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'CONFLICT');
      }
      const doc = await storage.documents.get(workspace, 'c', 'k');
      assert.equal(doc?.version, 1);
      const next = await storage.documents.put(workspace, {
        collection: 'c',
        key: 'k',
        value: 'x',
        expectedVersion: 1,
      });
      assert.equal(next.version, 2);
    },
  },
  {
    port: 'documents',
    name: 'getMany, list with prefix and cursor, and delete',
    async run({ storage, workspace }) {
      for (const key of ['b:2', 'a:1', 'b:1', 'c:1', 'b:3']) {
        await storage.documents.put(workspace, { collection: 'sticky', key, value: { key } });
      }
      const many = await storage.documents.getMany(workspace, 'sticky', ['c:1', 'zz', 'a:1']);
      assert.deepEqual(many.map((d) => d.key).sort(), ['a:1', 'c:1']);
      const first = await storage.documents.list(workspace, 'sticky', { prefix: 'b:', limit: 2 });
      assert.deepEqual(
        first.items.map((d) => d.key),
        ['b:1', 'b:2'],
      );
      const second = await storage.documents.list(workspace, 'sticky', {
        prefix: 'b:',
        limit: 2,
        cursor: first.nextCursor,
      });
      assert.deepEqual(
        second.items.map((d) => d.key),
        ['b:3'],
      );
      assert.equal(second.nextCursor, null);
      assert.equal(await storage.documents.delete(workspace, 'sticky', 'b:2'), true);
      assert.equal(await storage.documents.delete(workspace, 'sticky', 'b:2'), false);
      const all = await storage.documents.list(workspace, 'sticky');
      assert.deepEqual(
        all.items.map((d) => d.key),
        ['a:1', 'b:1', 'b:3', 'c:1'],
      );
    },
  },
  {
    port: 'documents',
    name: 'list orders keys by Unicode code point, as byte-wise SQL keys do',
    async run({ storage, workspace }) {
      // UTF-16 order would put the emoji (a surrogate pair) before U+E000; code-point order does not.
      for (const key of ['😀', '\u{E000}', 'z', 'A']) {
        await storage.documents.put(workspace, { collection: 'order', key, value: key });
      }
      const listed = await storage.documents.list(workspace, 'order');
      assert.deepEqual(
        listed.items.map((d) => d.key),
        ['A', 'z', '\u{E000}', '😀'],
      );
      await rejectsWithCode(
        () => storage.documents.put(workspace, { collection: 'order', key: '\uD800', value: 1 }),
        'VALIDATION',
        'a lone surrogate in a key',
      );
    },
  },
  {
    port: 'documents',
    name: 'documents are isolated per workspace, and bad input stores nothing',
    async run({ storage, workspace, otherWorkspace }) {
      await storage.documents.put(workspace, { collection: 'c', key: 'k', value: 'mine' });
      await storage.documents.put(otherWorkspace, { collection: 'c', key: 'k', value: 'theirs' });
      assert.equal((await storage.documents.get(workspace, 'c', 'k'))?.value, 'mine');
      assert.equal(await storage.documents.delete(otherWorkspace, 'c', 'k'), true);
      assert.equal((await storage.documents.get(workspace, 'c', 'k'))?.value, 'mine');
      await rejectsWithCode(
        () => storage.documents.put(workspace, { collection: 'Bad Name', key: 'k', value: 1 }),
        'VALIDATION',
        'bad collection',
      );
      await rejectsWithCode(
        () => storage.documents.put(workspace, { collection: 'c', key: '', value: 1 }),
        'VALIDATION',
        'empty key',
      );
      await rejectsWithCode(
        () => storage.documents.put(workspace, { collection: 'c', key: 'k', value: { n: 1n } }),
        'VALIDATION',
        'value JSON cannot hold',
      );
      await rejectsWithCode(
        () => storage.documents.put(workspace, { collection: 'c', key: 'k', value: undefined }),
        'VALIDATION',
        'missing value',
      );
      assert.equal((await storage.documents.get(workspace, 'c', 'k'))?.value, 'mine');
    },
  },
];
