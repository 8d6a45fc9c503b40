import assert from 'node:assert/strict';
import type { Identifier, ProfileRecord } from '../../ports/profile-store';
import type { ConformanceCheck } from '../conformance-types';
import { rejectsWithCode } from './assertions';

const email = (value: string): Identifier => ({ type: 'email', value });
const userId = (value: string): Identifier => ({ type: 'user_id', value });
const sortIds = (identifiers: readonly Identifier[]) =>
  [...identifiers].map((i) => `${i.type}:${i.value}`).sort();

async function listAll(context: Parameters<ConformanceCheck['run']>[0], workspace = context.workspace) {
  const out: ProfileRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await context.storage.profiles.list(workspace, { cursor, limit: 2 });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

/** The profile store's contract. */
export const profileStoreChecks: ConformanceCheck[] = [
  {
    port: 'profiles',
    name: 'create and get round-trip a profile with its identifiers and traits',
    async run({ storage, workspace, clock }) {
      const created = await storage.profiles.create(workspace, {
        identifiers: [userId('u1'), email('an@example.com')],
        traits: {
          name: 'An',
          plan: 'pro',
          score: 3.5,
          tags: ['vip'],
          address: { city: 'Hà Nội' },
          none: null,
        },
      });
      assert.equal(typeof created.id, 'string');
      assert.equal(created.version, 1);
      assert.equal(created.mergedInto, null);
      assert.equal(created.createdAt, new Date(clock.now()).toISOString());
      assert.deepEqual(await storage.profiles.get(workspace, created.id), created);
      const named = await storage.profiles.create(workspace, { id: 'chosen-id' });
      assert.equal(named.id, 'chosen-id');
      assert.deepEqual(named.identifiers, []);
      assert.deepEqual(named.traits, {});
      assert.equal(await storage.profiles.get(workspace, 'missing'), null);
    },
  },
  {
    port: 'profiles',
    name: 'an identifier points at one profile: create conflicts and stores nothing',
    async run(context) {
      const { storage, workspace } = context;
      const first = await storage.profiles.create(workspace, { identifiers: [email('a@example.com')] });
      await rejectsWithCode(
        () =>
          storage.profiles.create(workspace, {
            identifiers: [email('b@example.com'), email('a@example.com')],
          }),
        'CONFLICT',
        'create with a taken identifier',
      );
      await rejectsWithCode(
        () => storage.profiles.create(workspace, { id: first.id }),
        'CONFLICT',
        'duplicate id',
      );
      assert.equal(await storage.profiles.findByIdentifier(workspace, email('b@example.com')), null);
      assert.deepEqual(
        (await listAll(context)).map((p) => p.id),
        [first.id],
      );
    },
  },
  {
    port: 'profiles',
    name: 'findByIdentifier and lookupIdentifiers resolve identifiers to profiles',
    async run({ storage, workspace }) {
      const a = await storage.profiles.create(workspace, {
        identifiers: [userId('u1'), email('a@example.com')],
      });
      const b = await storage.profiles.create(workspace, { identifiers: [userId('u2')] });
      assert.equal((await storage.profiles.findByIdentifier(workspace, email('a@example.com')))?.id, a.id);
      assert.equal(await storage.profiles.findByIdentifier(workspace, email('nobody@example.com')), null);
      const found = await storage.profiles.lookupIdentifiers(workspace, [
        userId('u1'),
        userId('u2'),
        userId('u3'),
        email('a@example.com'),
      ]);
      assert.deepEqual(
        [...found.entries()].sort(),
        [
          ['email:a@example.com', a.id],
          ['user_id:u1', a.id],
          ['user_id:u2', b.id],
        ].sort(),
      );
    },
  },
  {
    port: 'profiles',
    name: 'addIdentifiers and removeIdentifiers keep one owner per identifier',
    async run({ storage, workspace }) {
      const a = await storage.profiles.create(workspace, { identifiers: [userId('u1')] });
      const b = await storage.profiles.create(workspace, { identifiers: [userId('u2')] });
      const added = await storage.profiles.addIdentifiers(workspace, a.id, [
        email('a@example.com'),
        userId('u1'),
      ]);
      assert.deepEqual(sortIds(added.identifiers), ['email:a@example.com', 'user_id:u1']);
      assert.equal(added.version, 2);
      const unchanged = await storage.profiles.addIdentifiers(workspace, a.id, [userId('u1')]);
      assert.equal(unchanged.version, 2, 're-adding an owned identifier changes nothing');
      await rejectsWithCode(
        () =>
          storage.profiles.addIdentifiers(workspace, b.id, [
            email('new@example.com'),
            email('a@example.com'),
          ]),
        'CONFLICT',
        'identifier owned elsewhere',
      );
      assert.equal(await storage.profiles.findByIdentifier(workspace, email('new@example.com')), null);
      const removed = await storage.profiles.removeIdentifiers(workspace, a.id, [email('a@example.com')]);
      assert.deepEqual(sortIds(removed.identifiers), ['user_id:u1']);
      const moved = await storage.profiles.addIdentifiers(workspace, b.id, [email('a@example.com')]);
      assert.deepEqual(sortIds(moved.identifiers), ['email:a@example.com', 'user_id:u2']);
      await rejectsWithCode(
        () => storage.profiles.addIdentifiers(workspace, 'missing', [email('x@example.com')]),
        'NOT_FOUND',
        'unknown profile',
      );
    },
  },
  {
    port: 'profiles',
    name: 'patchTraits sets and unsets traits with optimistic versions',
    async run({ storage, workspace }) {
      const p = await storage.profiles.create(workspace, { traits: { a: 1, b: 2 } });
      const patched = await storage.profiles.patchTraits(workspace, p.id, {
        set: { b: 3, c: { deep: [1, 2] }, d: null },
        unset: ['a'],
        expectedVersion: 1,
      });
      assert.deepEqual(patched.traits, { b: 3, c: { deep: [1, 2] }, d: null });
      assert.equal(patched.version, 2);
      await rejectsWithCode(
        () => storage.profiles.patchTraits(workspace, p.id, { set: { b: 4 }, expectedVersion: 1 }),
        'CONFLICT',
        'stale version',
      );
      assert.deepEqual((await storage.profiles.get(workspace, p.id))?.traits, patched.traits);
      await rejectsWithCode(
        () => storage.profiles.patchTraits(workspace, 'missing', { set: { b: 4 } }),
        'NOT_FOUND',
        'unknown profile',
      );
    },
  },
  {
    port: 'profiles',
    name: 'merge moves identifiers, records mergedInto and combines traits',
    async run({ storage, workspace }) {
      const a = await storage.profiles.create(workspace, {
        identifiers: [userId('u1')],
        traits: { name: 'A', x: 1 },
      });
      const b = await storage.profiles.create(workspace, {
        identifiers: [email('b@example.com')],
        traits: { name: 'B', y: 2 },
      });
      const result = await storage.profiles.merge(workspace, { into: a.id, from: b.id });
      assert.deepEqual(sortIds(result.into.identifiers), ['email:b@example.com', 'user_id:u1']);
      assert.deepEqual(result.into.traits, { name: 'A', x: 1, y: 2 }, 'into wins, from fills gaps');
      assert.deepEqual(sortIds(result.movedIdentifiers), ['email:b@example.com']);
      assert.equal(result.from.mergedInto, a.id);
      assert.deepEqual(result.from.identifiers, []);
      assert.equal((await storage.profiles.findByIdentifier(workspace, email('b@example.com')))?.id, a.id);
      assert.deepEqual(await storage.profiles.get(workspace, b.id), result.from);
      assert.deepEqual(await storage.profiles.get(workspace, a.id), result.into);

      const c = await storage.profiles.create(workspace, { traits: { name: 'C' } });
      const chosen = await storage.profiles.merge(workspace, {
        into: c.id,
        from: a.id,
        traits: { name: 'chosen' },
      });
      assert.deepEqual(chosen.into.traits, { name: 'chosen' });
      assert.deepEqual((await storage.profiles.members(workspace, c.id)).sort(), [a.id, b.id, c.id].sort());
      assert.deepEqual(await storage.profiles.members(workspace, b.id), [b.id]);
      await rejectsWithCode(
        () => storage.profiles.merge(workspace, { into: b.id, from: c.id }),
        'CONFLICT',
        'into merged',
      );
      await rejectsWithCode(
        () => storage.profiles.merge(workspace, { into: c.id, from: a.id }),
        'CONFLICT',
        'from merged',
      );
      await rejectsWithCode(
        () => storage.profiles.merge(workspace, { into: c.id, from: c.id }),
        'VALIDATION',
        'self',
      );
      await rejectsWithCode(
        () => storage.profiles.merge(workspace, { into: c.id, from: 'zz' }),
        'NOT_FOUND',
        'unknown',
      );
      await rejectsWithCode(
        () => storage.profiles.patchTraits(workspace, a.id, { set: { z: 1 } }),
        'CONFLICT',
        'patching a merged-away profile',
      );
      await rejectsWithCode(
        () => storage.profiles.members(workspace, 'zz'),
        'NOT_FOUND',
        'members of unknown',
      );
    },
  },
  {
    port: 'profiles',
    name: 'concurrent merges of the same profiles leave one canonical profile holding every identifier',
    async run({ storage, workspace }) {
      const a = await storage.profiles.create(workspace, {
        identifiers: [userId('a'), email('a@x.io')],
        traits: { a: 1 },
      });
      const b = await storage.profiles.create(workspace, {
        identifiers: [userId('b'), email('b@x.io')],
        traits: { b: 1 },
      });
      const c = await storage.profiles.create(workspace, {
        identifiers: [email('c@x.io')],
        traits: { c: 1 },
      });
      const attempts = [
        () => storage.profiles.merge(workspace, { into: a.id, from: b.id }),
        () => storage.profiles.merge(workspace, { into: b.id, from: a.id }),
        () => storage.profiles.merge(workspace, { into: c.id, from: a.id }),
        () => storage.profiles.merge(workspace, { into: b.id, from: c.id }),
        () => storage.profiles.merge(workspace, { into: a.id, from: c.id }),
        () => storage.profiles.merge(workspace, { into: c.id, from: b.id }),
      ];
      const settled = await Promise.allSettled([...attempts, ...attempts].map((attempt) => attempt()));
      for (const outcome of settled) {
        if (outcome.status === 'rejected') {
          const code = (outcome.reason as { code?: string }).code;
          assert.ok(code === 'CONFLICT', `a losing merge fails with CONFLICT, got ${String(outcome.reason)}`);
        }
      }
      const records = await Promise.all([a, b, c].map((p) => storage.profiles.get(workspace, p.id)));
      const canonical = records.filter((r) => r?.mergedInto === null);
      assert.equal(canonical.length, 1, 'exactly one canonical profile remains');
      const survivor = canonical[0]!;
      assert.deepEqual(sortIds(survivor.identifiers), [
        'email:a@x.io',
        'email:b@x.io',
        'email:c@x.io',
        'user_id:a',
        'user_id:b',
      ]);
      assert.deepEqual(survivor.traits, { a: 1, b: 1, c: 1 });
      assert.equal(
        settled.filter((s) => s.status === 'fulfilled').length,
        2,
        'two merges join three profiles',
      );
      assert.deepEqual(
        (await storage.profiles.members(workspace, survivor.id)).sort(),
        [a.id, b.id, c.id].sort(),
      );
      const owners = await storage.profiles.lookupIdentifiers(workspace, survivor.identifiers);
      assert.deepEqual([...new Set(owners.values())], [survivor.id]);
      for (const record of records) {
        if (record!.id !== survivor.id) assert.deepEqual(record!.identifiers, []);
      }
    },
  },
  {
    port: 'profiles',
    name: 'unmerge restores both profiles, their identifiers, traits and members',
    async run({ storage, workspace }) {
      const a = await storage.profiles.create(workspace, {
        identifiers: [userId('u1'), email('a@x.io')],
        traits: { name: 'A', x: 1 },
      });
      const b = await storage.profiles.create(workspace, {
        identifiers: [email('b@x.io')],
        traits: { name: 'B' },
      });
      const c = await storage.profiles.create(workspace, {
        identifiers: [email('c@x.io')],
        traits: { c: true },
      });
      await storage.profiles.merge(workspace, { into: b.id, from: c.id });
      const bBefore = (await storage.profiles.get(workspace, b.id))!;
      await storage.profiles.merge(workspace, {
        into: a.id,
        from: b.id,
        traits: { name: 'A', x: 1, c: true },
      });
      const result = await storage.profiles.unmerge(workspace, {
        into: a.id,
        from: b.id,
        intoIdentifiers: [userId('u1'), email('a@x.io')],
        fromIdentifiers: bBefore.identifiers,
        intoTraits: { name: 'A', x: 1 },
        fromTraits: bBefore.traits,
      });
      assert.equal(result.from.mergedInto, null);
      assert.deepEqual(sortIds(result.into.identifiers), ['email:a@x.io', 'user_id:u1']);
      assert.deepEqual(sortIds(result.from.identifiers), ['email:b@x.io', 'email:c@x.io']);
      assert.deepEqual(result.into.traits, { name: 'A', x: 1 });
      assert.deepEqual(result.from.traits, bBefore.traits);
      assert.deepEqual(await storage.profiles.get(workspace, b.id), result.from);
      assert.deepEqual(await storage.profiles.get(workspace, a.id), result.into);
      assert.equal((await storage.profiles.findByIdentifier(workspace, email('c@x.io')))?.id, b.id);
      assert.equal((await storage.profiles.findByIdentifier(workspace, userId('u1')))?.id, a.id);
      assert.deepEqual(await storage.profiles.members(workspace, a.id), [a.id]);
      assert.deepEqual((await storage.profiles.members(workspace, b.id)).sort(), [b.id, c.id].sort());
      assert.deepEqual(
        (await storage.profiles.list(workspace, { limit: 10 })).items.map((p) => p.id).sort(),
        [a.id, b.id].sort(),
      );
      // Both are canonical again: they can be merged once more.
      await storage.profiles.merge(workspace, { into: b.id, from: a.id });
      assert.equal((await storage.profiles.findByIdentifier(workspace, userId('u1')))?.id, b.id);
    },
  },
  {
    port: 'profiles',
    name: 'unmerge refuses stale or wrong input and changes nothing',
    async run({ storage, workspace }) {
      const a = await storage.profiles.create(workspace, { identifiers: [userId('u1')], traits: { a: 1 } });
      const b = await storage.profiles.create(workspace, {
        identifiers: [email('b@x.io')],
        traits: { b: 1 },
      });
      const c = await storage.profiles.create(workspace, { identifiers: [email('c@x.io')] });
      await storage.profiles.merge(workspace, { into: a.id, from: b.id });
      const snapshot = await Promise.all([a, b, c].map((p) => storage.profiles.get(workspace, p.id)));
      const input = {
        into: a.id,
        from: b.id,
        intoIdentifiers: [userId('u1')],
        fromIdentifiers: [email('b@x.io')],
        intoTraits: { a: 1 },
        fromTraits: { b: 1 },
      };
      await rejectsWithCode(
        () => storage.profiles.unmerge(workspace, { ...input, intoIdentifiers: [] }),
        'CONFLICT',
        'identifiers missing from the lists',
      );
      await rejectsWithCode(
        () =>
          storage.profiles.unmerge(workspace, {
            ...input,
            fromIdentifiers: [email('b@x.io'), email('c@x.io')],
          }),
        'CONFLICT',
        'identifier held by another profile',
      );
      await rejectsWithCode(
        () => storage.profiles.unmerge(workspace, { ...input, from: c.id, fromIdentifiers: [] }),
        'CONFLICT',
        'from not merged into into',
      );
      await rejectsWithCode(
        () =>
          storage.profiles.unmerge(workspace, { ...input, fromIdentifiers: [email('b@x.io'), userId('u1')] }),
        'VALIDATION',
        'identifier in both lists',
      );
      await rejectsWithCode(
        () => storage.profiles.unmerge(workspace, { ...input, into: 'missing' }),
        'NOT_FOUND',
        'unknown into',
      );
      await rejectsWithCode(
        () => storage.profiles.unmerge(workspace, { ...input, from: 'missing' }),
        'NOT_FOUND',
        'unknown from',
      );
      await storage.profiles.merge(workspace, { into: c.id, from: a.id });
      const merged = await Promise.all([a, b, c].map((p) => storage.profiles.get(workspace, p.id)));
      await rejectsWithCode(
        () => storage.profiles.unmerge(workspace, input),
        'CONFLICT',
        'into is no longer canonical',
      );
      assert.deepEqual(
        await Promise.all([a, b, c].map((p) => storage.profiles.get(workspace, p.id))),
        merged,
      );
      assert.notDeepEqual(merged, snapshot);
    },
  },
  {
    port: 'profiles',
    name: 'list pages through canonical profiles in id order',
    async run(context) {
      const { storage, workspace } = context;
      const ids = ['p-05', 'p-01', 'p-04', 'p-02', 'p-03'];
      for (const id of ids) await storage.profiles.create(workspace, { id });
      await storage.profiles.merge(workspace, { into: 'p-01', from: 'p-03' });
      assert.deepEqual(
        (await listAll(context)).map((p) => p.id),
        ['p-01', 'p-02', 'p-04', 'p-05'],
      );
    },
  },
  {
    port: 'profiles',
    name: 'delete removes a profile, the profiles merged into it and their identifiers',
    async run(context) {
      const { storage, workspace } = context;
      const a = await storage.profiles.create(workspace, { identifiers: [userId('a')] });
      const b = await storage.profiles.create(workspace, { identifiers: [userId('b')] });
      const keep = await storage.profiles.create(workspace, { identifiers: [userId('keep')] });
      await storage.profiles.merge(workspace, { into: a.id, from: b.id });
      assert.deepEqual((await storage.profiles.delete(workspace, a.id)).sort(), [a.id, b.id].sort());
      assert.equal(await storage.profiles.get(workspace, a.id), null);
      assert.equal(await storage.profiles.get(workspace, b.id), null);
      assert.equal(await storage.profiles.findByIdentifier(workspace, userId('b')), null);
      assert.deepEqual(await storage.profiles.delete(workspace, a.id), []);
      const reused = await storage.profiles.create(workspace, { identifiers: [userId('a'), userId('b')] });
      assert.equal((await storage.profiles.findByIdentifier(workspace, userId('a')))?.id, reused.id);
      assert.deepEqual((await listAll(context)).map((p) => p.id).sort(), [keep.id, reused.id].sort());
    },
  },
  {
    port: 'profiles',
    name: 'bad profile input throws a ValidationError and changes nothing',
    async run(context) {
      const { storage, workspace } = context;
      const p = await storage.profiles.create(workspace, { identifiers: [userId('u1')], traits: { a: 1 } });
      await rejectsWithCode(
        () => storage.profiles.create(workspace, { identifiers: [{ type: 'email', value: '' }] }),
        'VALIDATION',
        'empty identifier value',
      );
      await rejectsWithCode(
        () => storage.profiles.create(workspace, { identifiers: [{ type: 'Bad Type', value: 'x' }] }),
        'VALIDATION',
        'bad identifier type',
      );
      await rejectsWithCode(
        () => storage.profiles.patchTraits(workspace, p.id, { set: { big: 10n } }),
        'VALIDATION',
        'trait JSON cannot hold',
      );
      await rejectsWithCode(
        () => storage.profiles.patchTraits(workspace, p.id, { set: 'a=1' as never }),
        'VALIDATION',
        'patch not an object',
      );
      await rejectsWithCode(() => storage.profiles.get('', p.id), 'VALIDATION', 'empty workspace');
      await rejectsWithCode(
        () => storage.profiles.list(workspace, { limit: -1 }),
        'VALIDATION',
        'negative limit',
      );
      assert.deepEqual(await storage.profiles.get(workspace, p.id), p);
      assert.equal((await listAll(context)).length, 1);
    },
  },
  {
    port: 'profiles',
    name: 'getMany reads several profiles, canonical or merged-away, in the order asked',
    async run({ storage, workspace, otherWorkspace }) {
      const a = await storage.profiles.create(workspace, {
        identifiers: [email('many-a@example.com')],
        traits: { n: 1 },
      });
      const b = await storage.profiles.create(workspace, { identifiers: [email('many-b@example.com')] });
      const c = await storage.profiles.create(workspace, { identifiers: [userId('many-c')] });
      await storage.profiles.merge(workspace, { into: a.id, from: c.id });
      const many = await storage.profiles.getMany(workspace, [c.id, 'unknown-profile', b.id, a.id, b.id]);
      assert.deepEqual(
        many.map((record) => record.id),
        [c.id, b.id, a.id],
      );
      assert.deepEqual(many[0], await storage.profiles.get(workspace, c.id));
      assert.deepEqual(many[2], await storage.profiles.get(workspace, a.id));
      assert.equal(many[0]?.mergedInto, a.id);
      assert.deepEqual(
        sortIds(many[2]!.identifiers),
        sortIds([email('many-a@example.com'), userId('many-c')]),
      );
      assert.deepEqual(await storage.profiles.getMany(otherWorkspace, [a.id, b.id]), []);
      assert.deepEqual(await storage.profiles.getMany(workspace, []), []);
      await rejectsWithCode(
        () => storage.profiles.getMany(workspace, [''] as string[]),
        'VALIDATION',
        'empty id',
      );
      await rejectsWithCode(
        () => storage.profiles.getMany(workspace, 'not a list' as never),
        'VALIDATION',
        'ids that are not a list',
      );
    },
  },
  {
    port: 'profiles',
    name: 'mergeMany applies merges in order, each on the state the earlier ones leave',
    async run({ storage, workspace }) {
      const a = await storage.profiles.create(workspace, {
        identifiers: [userId('mm-a')],
        traits: { plan: 'pro' },
      });
      const b = await storage.profiles.create(workspace, {
        identifiers: [email('mm-b@example.com')],
        traits: { plan: 'free', city: 'Hue' },
      });
      const c = await storage.profiles.create(workspace, { identifiers: [email('mm-c@example.com')] });
      const d = await storage.profiles.create(workspace, { identifiers: [userId('mm-d')] });
      const e = await storage.profiles.create(workspace, { identifiers: [email('mm-e@example.com')] });
      const results = await storage.profiles.mergeMany(workspace, [
        { into: a.id, from: b.id },
        { into: c.id, from: a.id },
        { into: d.id, from: e.id, traits: { chosen: true } },
      ]);
      assert.deepEqual(
        results.map((r) => [r.into.id, r.from.id]),
        [
          [a.id, b.id],
          [c.id, a.id],
          [d.id, e.id],
        ],
      );
      assert.deepEqual(results[0]!.movedIdentifiers, [email('mm-b@example.com')]);
      assert.deepEqual(
        sortIds(results[1]!.movedIdentifiers),
        sortIds([userId('mm-a'), email('mm-b@example.com')]),
      );
      assert.deepEqual(results[1]!.into, await storage.profiles.get(workspace, c.id));
      assert.deepEqual(results[1]!.into.traits, { plan: 'pro', city: 'Hue' });
      assert.deepEqual(results[2]!.into.traits, { chosen: true });
      assert.equal((await storage.profiles.get(workspace, a.id))?.mergedInto, c.id);
      assert.equal((await storage.profiles.findByIdentifier(workspace, email('mm-b@example.com')))?.id, c.id);
      assert.deepEqual((await storage.profiles.members(workspace, c.id)).sort(), [a.id, b.id, c.id].sort());
      assert.deepEqual(await storage.profiles.mergeMany(workspace, []), []);
    },
  },
  {
    port: 'profiles',
    name: 'mergeMany is all or nothing: one merge that cannot happen leaves every profile as it was',
    async run({ storage, workspace }) {
      const a = await storage.profiles.create(workspace, { identifiers: [userId('mn-a')] });
      const b = await storage.profiles.create(workspace, { identifiers: [email('mn-b@example.com')] });
      const c = await storage.profiles.create(workspace, { identifiers: [email('mn-c@example.com')] });
      const d = await storage.profiles.create(workspace, { identifiers: [userId('mn-d')] });
      await storage.profiles.merge(workspace, { into: c.id, from: d.id });
      const before = await Promise.all([a, b, c, d].map((p) => storage.profiles.get(workspace, p.id)));
      const unchanged = async () =>
        assert.deepEqual(
          await Promise.all([a, b, c, d].map((p) => storage.profiles.get(workspace, p.id))),
          before,
        );
      await rejectsWithCode(
        () =>
          storage.profiles.mergeMany(workspace, [
            { into: a.id, from: b.id },
            { into: a.id, from: d.id },
          ]),
        'CONFLICT',
        'mergeMany with a merged-away profile',
      );
      await unchanged();
      await rejectsWithCode(
        () =>
          storage.profiles.mergeMany(workspace, [
            { into: a.id, from: b.id },
            { into: b.id, from: c.id },
          ]),
        'CONFLICT',
        'mergeMany into a profile an earlier merge of the call merged away',
      );
      await unchanged();
      await rejectsWithCode(
        () =>
          storage.profiles.mergeMany(workspace, [
            { into: a.id, from: b.id },
            { into: c.id, from: 'missing-profile' },
          ]),
        'NOT_FOUND',
        'mergeMany with an unknown profile',
      );
      await unchanged();
      await rejectsWithCode(
        () =>
          storage.profiles.mergeMany(workspace, [
            { into: a.id, from: b.id },
            { into: c.id, from: c.id },
          ]),
        'VALIDATION',
        'mergeMany with a self-merge',
      );
      await unchanged();
    },
  },
  {
    port: 'profiles',
    name: 'mergeMany of pairs that share no profile equals the same merges one by one',
    async run({ storage, workspace, otherWorkspace }) {
      const seed = async (ws: string) => {
        await storage.profiles.create(ws, {
          id: 'dj-1',
          identifiers: [userId('dj-1'), email('dj-1@example.com')],
          traits: { plan: 'pro' },
        });
        await storage.profiles.create(ws, {
          id: 'dj-2',
          identifiers: [email('dj-2@example.com'), userId('dj-2')],
          traits: { plan: 'free', city: 'Hue' },
        });
        await storage.profiles.create(ws, { id: 'dj-3', identifiers: [userId('dj-3')] });
        await storage.profiles.create(ws, { id: 'dj-4', traits: { kept: 1 } });
        await storage.profiles.create(ws, { id: 'dj-5', identifiers: [email('dj-5@example.com')] });
        await storage.profiles.create(ws, { id: 'dj-6' });
      };
      await seed(workspace);
      await seed(otherWorkspace);
      const merges = [
        { into: 'dj-1', from: 'dj-2' },
        { into: 'dj-4', from: 'dj-3', traits: { chosen: true } },
        { into: 'dj-5', from: 'dj-6' },
      ];
      const together = await storage.profiles.mergeMany(workspace, merges);
      const oneByOne = [];
      for (const merge of merges) oneByOne.push(await storage.profiles.merge(otherWorkspace, merge));
      assert.deepEqual(together, oneByOne);
      assert.deepEqual(together[0]!.into.identifiers, [
        userId('dj-1'),
        email('dj-1@example.com'),
        email('dj-2@example.com'),
        userId('dj-2'),
      ]);
      for (const id of ['dj-1', 'dj-2', 'dj-3', 'dj-4', 'dj-5', 'dj-6']) {
        assert.deepEqual(
          await storage.profiles.get(workspace, id),
          await storage.profiles.get(otherWorkspace, id),
        );
      }
    },
  },
  {
    port: 'profiles',
    name: 'createMany creates every profile in one call, in input order, as create would',
    async run({ storage, workspace }) {
      const created = await storage.profiles.createMany(workspace, [
        { identifiers: [userId('cm-a'), email('cm-a@example.com')], traits: { plan: 'pro' } },
        { identifiers: [] },
        { id: 'cm-chosen-id', identifiers: [userId('cm-c')], traits: { nested: { ok: true } } },
      ]);
      assert.equal(created.length, 3);
      assert.equal(created[2]!.id, 'cm-chosen-id');
      assert.equal(new Set(created.map((p) => p.id)).size, 3);
      for (const record of created) {
        assert.deepEqual(await storage.profiles.get(workspace, record.id), record);
        assert.equal(record.mergedInto, null);
        assert.equal(record.version, 1);
      }
      assert.deepEqual(created[0]!.identifiers, [userId('cm-a'), email('cm-a@example.com')]);
      assert.deepEqual(created[0]!.traits, { plan: 'pro' });
      const owners = await storage.profiles.lookupIdentifiers(workspace, [userId('cm-a'), userId('cm-c')]);
      assert.equal(owners.get('user_id:cm-a'), created[0]!.id);
      assert.equal(owners.get('user_id:cm-c'), 'cm-chosen-id');
      assert.deepEqual(await storage.profiles.createMany(workspace, []), []);
    },
  },
  {
    port: 'profiles',
    name: 'createMany is all or nothing: a taken or repeated identifier, or bad input, creates no profile',
    async run({ storage, workspace }) {
      const existing = await storage.profiles.create(workspace, {
        identifiers: [email('cn-taken@example.com')],
      });
      const nothingOf = async (label: string) => {
        const owners = await storage.profiles.lookupIdentifiers(workspace, [
          userId('cn-1'),
          userId('cn-2'),
          userId('cn-3'),
        ]);
        assert.equal(owners.size, 0, `${label}: no identifier of the call may be stored`);
        const all = await listAll({ storage, workspace } as Parameters<ConformanceCheck['run']>[0]);
        assert.deepEqual(
          all.map((p) => p.id),
          [existing.id],
          `${label}: no profile of the call may be stored`,
        );
      };
      await rejectsWithCode(
        () =>
          storage.profiles.createMany(workspace, [
            { identifiers: [userId('cn-1')] },
            { identifiers: [userId('cn-2'), email('cn-taken@example.com')] },
          ]),
        'CONFLICT',
        'taken identifier',
      );
      await nothingOf('taken identifier');
      await rejectsWithCode(
        () =>
          storage.profiles.createMany(workspace, [
            { identifiers: [userId('cn-1')] },
            { identifiers: [userId('cn-3'), userId('cn-1')] },
          ]),
        'CONFLICT',
        'identifier named twice',
      );
      await nothingOf('identifier named twice');
      await rejectsWithCode(
        () =>
          storage.profiles.createMany(workspace, [
            { identifiers: [userId('cn-1')] },
            { id: existing.id, identifiers: [userId('cn-2')] },
          ]),
        'CONFLICT',
        'existing id',
      );
      await nothingOf('existing id');
      await rejectsWithCode(
        () =>
          storage.profiles.createMany(workspace, [
            { identifiers: [userId('cn-1')] },
            { identifiers: [{ type: '', value: 'x' }] },
          ]),
        'VALIDATION',
        'bad identifier',
      );
      await rejectsWithCode(
        () => storage.profiles.createMany(workspace, 'not a list' as never),
        'VALIDATION',
        'not a list',
      );
      await nothingOf('bad input');
    },
  },
];
