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
  {
    port: 'documents',
    name: 'putMany writes documents of several collections in one call, returned in input order',
    async run({ storage, workspace, otherWorkspace, clock }) {
      await storage.documents.put(workspace, { collection: 'c', key: 'old', value: 1 });
      const written = await storage.documents.putMany<unknown>(workspace, [
        { collection: 'c', key: 'old', value: { n: 2, skip: undefined } },
        { collection: 'd', key: 'new', value: ['x'], expectedVersion: 0 },
        { collection: 'c', key: 'cas', value: 'v' },
      ]);
      const at = new Date(clock.now()).toISOString();
      assert.deepEqual(written, [
        { collection: 'c', key: 'old', value: { n: 2 }, version: 2, updatedAt: at },
        { collection: 'd', key: 'new', value: ['x'], version: 1, updatedAt: at },
        { collection: 'c', key: 'cas', value: 'v', version: 1, updatedAt: at },
      ]);
      assert.deepEqual(await storage.documents.get(workspace, 'c', 'old'), written[0]);
      assert.deepEqual(await storage.documents.get(workspace, 'd', 'new'), written[1]);
      assert.equal(await storage.documents.get(otherWorkspace, 'd', 'new'), null);
      const next = await storage.documents.putMany(workspace, [
        { collection: 'c', key: 'cas', value: 'w', expectedVersion: 1 },
      ]);
      assert.equal(next[0]?.version, 2);
      assert.deepEqual(await storage.documents.putMany(workspace, []), []);
    },
  },
  {
    port: 'documents',
    name: 'putMany is all-or-nothing: a conflict or bad input stores nothing',
    async run({ storage, workspace }) {
      await storage.documents.put(workspace, { collection: 'c', key: 'a', value: 'a1' });
      await storage.documents.put(workspace, { collection: 'c', key: 'b', value: 'b1' });
      const unchanged = async () => {
        assert.equal((await storage.documents.get(workspace, 'c', 'a'))?.version, 1);
        assert.equal((await storage.documents.get(workspace, 'c', 'b'))?.value, 'b1');
        assert.equal(await storage.documents.get(workspace, 'c', 'new'), null);
      };
      await rejectsWithCode(
        () =>
          storage.documents.putMany(workspace, [
            { collection: 'c', key: 'a', value: 'a2', expectedVersion: 1 },
            { collection: 'c', key: 'new', value: 'n' },
            { collection: 'c', key: 'b', value: 'b2', expectedVersion: 0 },
          ]),
        'CONFLICT',
        'putMany with one stale expectedVersion',
      );
      await unchanged();
      await rejectsWithCode(
        () =>
          storage.documents.putMany(workspace, [
            { collection: 'c', key: 'new', value: 'n', expectedVersion: 0 },
            { collection: 'c', key: 'a', value: 'a2', expectedVersion: 7 },
          ]),
        'CONFLICT',
        'putMany expecting a version the document does not have',
      );
      await unchanged();
      for (const [inputs, what] of [
        [
          [
            { collection: 'c', key: 'new', value: 'n' },
            { collection: 'Bad Name', key: 'k', value: 1 },
          ],
          'bad collection',
        ],
        [
          [
            { collection: 'c', key: 'new', value: 'n' },
            { collection: 'c', key: 'x', value: undefined },
          ],
          'missing value',
        ],
        [
          [
            { collection: 'c', key: 'new', value: 'n' },
            { collection: 'c', key: 'x', value: { n: 1n } },
          ],
          'value JSON cannot hold',
        ],
        [
          [
            { collection: 'c', key: 'a', value: 1 },
            { collection: 'c', key: 'a', value: 2 },
          ],
          'one document twice',
        ],
        ['not a list', 'not an array'],
      ] as const) {
        await rejectsWithCode(
          () => storage.documents.putMany(workspace, inputs as never),
          'VALIDATION',
          `putMany with ${what}`,
        );
        await unchanged();
      }
      await rejectsWithCode(
        () => storage.documents.putMany('Not a workspace!', [{ collection: 'c', key: 'k', value: 1 }]),
        'VALIDATION',
        'putMany with a bad workspace id',
      );
    },
  },
  {
    port: 'documents',
    name: 'putMany compare-and-set: of concurrent batches expecting the same versions exactly one wins',
    async run({ storage, workspace }) {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          storage.documents.putMany(workspace, [
            { collection: 'c', key: `own-${i}`, value: i },
            { collection: 'c', key: 'x', value: i, expectedVersion: 0 },
            { collection: 'c', key: 'y', value: i, expectedVersion: 0 },
          ]),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      assert.equal(won.length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'CONFLICT');
      }
      const winner = won[0]!;
      assert.equal((await storage.documents.get(workspace, 'c', 'x'))?.value, winner);
      assert.equal((await storage.documents.get(workspace, 'c', 'y'))?.value, winner);
      const owns = await storage.documents.getMany(
        workspace,
        'c',
        Array.from({ length: 6 }, (_, i) => `own-${i}`),
      );
      assert.deepEqual(
        owns.map((d) => d.key),
        [`own-${winner}`],
      );
    },
  },
];
