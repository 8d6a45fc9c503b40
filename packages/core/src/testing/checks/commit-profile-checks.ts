import assert from 'node:assert/strict';
import type { ConformanceCheck } from '../conformance-types';
import { makeEvent } from '../fixtures';
import { rejectsWithCode } from './assertions';

const STATE = 'test.state';
const email = (value: string) => ({ type: 'email', value });
const user = (value: string) => ({ type: 'user_id', value });

/** The atomic commit's contract for profile writes and events: one step with the documents. */
export const commitProfileChecks: ConformanceCheck[] = [
  {
    port: 'commit',
    name: 'a commit creates, extends, merges and patches profiles, appends events and writes documents together',
    async run({ storage, workspace }) {
      const old = await storage.profiles.create(workspace, {
        identifiers: [user('u-old')],
        traits: { plan: 'pro' },
      });
      const events = [makeEvent({ userId: 'u-new' }), makeEvent({ userId: 'u-old' })].map((event, i) => ({
        ...event,
        profileId: i === 0 ? 'p-new' : old.id,
      }));
      const result = await storage.commit(workspace, {
        profiles: [
          { op: 'create', id: 'p-new', identifiers: [user('u-new')], traits: { first: true } },
          { op: 'addIdentifiers', profileId: 'p-new', identifiers: [email('an@example.com')] },
          { op: 'merge', into: old.id, from: 'p-new', traits: { plan: 'pro', first: true } },
          { op: 'patchTraits', profileId: old.id, set: { visits: 2 }, unset: ['first'] },
        ],
        events,
        eventsMustBeNew: true,
        documents: [{ collection: STATE, key: old.id, value: { merged: 'p-new' } }],
      });
      assert.deepEqual(
        result.appended.inserted,
        events.map((event) => event.messageId),
      );
      const survivor = await storage.profiles.get(workspace, old.id);
      assert.deepEqual(survivor?.traits, { plan: 'pro', visits: 2 });
      assert.deepEqual(survivor?.identifiers.map((identifier) => identifier.value).sort(), [
        'an@example.com',
        'u-new',
        'u-old',
      ]);
      assert.equal((await storage.profiles.get(workspace, 'p-new'))?.mergedInto, old.id);
      assert.equal((await storage.profiles.findByIdentifier(workspace, email('an@example.com')))?.id, old.id);
      assert.equal((await storage.events.get(workspace, events[0]!.messageId))?.profileId, 'p-new');
      assert.deepEqual((await storage.documents.get(workspace, STATE, old.id))?.value, { merged: 'p-new' });
    },
  },
  {
    port: 'commit',
    name: 'a profile write that cannot happen refuses the whole commit: no profile, event or document is written',
    async run({ storage, workspace }) {
      const taken = await storage.profiles.create(workspace, { identifiers: [email('taken@example.com')] });
      const event = { ...makeEvent({ userId: 'u-1' }), profileId: 'p-1' };
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            profiles: [
              { op: 'create', id: 'p-1', identifiers: [user('u-1')] },
              { op: 'patchTraits', profileId: 'p-1', set: { a: 1 } },
              { op: 'addIdentifiers', profileId: 'p-1', identifiers: [email('taken@example.com')] },
            ],
            events: [event],
            documents: [{ collection: STATE, key: 'p-1', value: 1 }],
          }),
        'CONFLICT',
        'identifier owned by another profile',
      );
      assert.equal(await storage.profiles.get(workspace, 'p-1'), null);
      assert.equal(await storage.profiles.findByIdentifier(workspace, user('u-1')), null);
      assert.equal(
        (await storage.profiles.findByIdentifier(workspace, email('taken@example.com')))?.id,
        taken.id,
      );
      assert.equal(await storage.events.get(workspace, event.messageId), null);
      assert.equal(await storage.documents.get(workspace, STATE, 'p-1'), null);

      const other = await storage.profiles.create(workspace, { identifiers: [user('u-2')] });
      await storage.profiles.merge(workspace, { into: taken.id, from: other.id });
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            profiles: [
              { op: 'patchTraits', profileId: taken.id, set: { b: 1 } },
              { op: 'merge', into: other.id, from: taken.id },
            ],
          }),
        'CONFLICT',
        'merge into a merged-away profile',
      );
      assert.deepEqual((await storage.profiles.get(workspace, taken.id))?.traits, {});
      assert.equal((await storage.profiles.get(workspace, taken.id))?.mergedInto, null);
    },
  },
  {
    port: 'commit',
    name: 'several trait patches in one commit apply together, or not at all when one profile was merged away',
    async run({ storage, workspace }) {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        ids.push((await storage.profiles.create(workspace, { identifiers: [user(`p-${i}`)] })).id);
      }
      await storage.commit(workspace, {
        profiles: ids.map((profileId, i) => ({ op: 'patchTraits' as const, profileId, set: { n: i } })),
      });
      for (const [i, id] of ids.entries()) {
        assert.deepEqual((await storage.profiles.get(workspace, id))?.traits, { n: i });
      }
      await storage.profiles.merge(workspace, { into: ids[0]!, from: ids[3]! });
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            profiles: ids.map((profileId) => ({ op: 'patchTraits' as const, profileId, set: { n: 9 } })),
          }),
        'CONFLICT',
        'a patch of a merged-away profile among others',
      );
      for (const id of ids.slice(0, 3))
        assert.notEqual((await storage.profiles.get(workspace, id))?.traits.n, 9);
    },
  },
  {
    port: 'commit',
    name: 'a commit undoes a merge with its documents and events, or refuses whole when it cannot',
    async run({ storage, workspace }) {
      const into = await storage.profiles.create(workspace, { identifiers: [user('u-1')], traits: { a: 1 } });
      const from = await storage.profiles.create(workspace, { identifiers: [email('x@example.com')] });
      await storage.profiles.merge(workspace, { into: into.id, from: from.id, traits: { a: 1, b: 2 } });
      const unmerge = {
        op: 'unmerge' as const,
        into: into.id,
        from: from.id,
        intoIdentifiers: [user('u-1')],
        fromIdentifiers: [email('x@example.com')],
        intoTraits: { a: 1 },
        fromTraits: {},
      };
      const stale = { ...unmerge, intoIdentifiers: [], fromIdentifiers: [email('x@example.com')] };
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            profiles: [stale],
            documents: [{ collection: STATE, key: 'undo', value: 1 }],
          }),
        'CONFLICT',
        'identifiers that are not what into holds',
      );
      assert.equal(await storage.documents.get(workspace, STATE, 'undo'), null);
      const event = { ...makeEvent({ userId: 'u-1' }), profileId: into.id };
      await storage.commit(workspace, {
        profiles: [unmerge],
        events: [event],
        documents: [{ collection: STATE, key: 'undo', value: 1 }],
      });
      assert.equal((await storage.profiles.get(workspace, from.id))?.mergedInto, null);
      assert.equal((await storage.profiles.findByIdentifier(workspace, email('x@example.com')))?.id, from.id);
      assert.deepEqual((await storage.profiles.get(workspace, into.id))?.traits, { a: 1 });
      assert.ok(await storage.events.get(workspace, event.messageId));
    },
  },
  {
    port: 'commit',
    name: 'with eventsMustBeNew an event already stored refuses the whole commit and says which',
    async run({ storage, workspace }) {
      const stored = makeEvent({ userId: 'u-1' });
      await storage.events.append(workspace, [stored]);
      const fresh = makeEvent({ userId: 'u-1' });
      const error = await storage
        .commit(workspace, {
          profiles: [{ op: 'create', id: 'p-1', identifiers: [user('u-1b')], traits: { n: 1 } }],
          events: [fresh, stored],
          eventsMustBeNew: true,
          documents: [{ collection: STATE, key: 'p-1', value: 1 }],
        })
        .then(
          () => assert.fail('expected the commit to be refused'),
          (caught: unknown) => caught as { code?: string; result?: { duplicates: string[] } },
        );
      assert.equal(error.code, 'CONFLICT');
      assert.deepEqual(error.result?.duplicates, [stored.messageId]);
      assert.equal(await storage.events.get(workspace, fresh.messageId), null);
      assert.equal(await storage.profiles.get(workspace, 'p-1'), null);
      assert.equal(await storage.documents.get(workspace, STATE, 'p-1'), null);

      // Without it, the duplicate is reported and the rest is written.
      const result = await storage.commit(workspace, { events: [fresh, stored] });
      assert.deepEqual(result.appended.inserted, [fresh.messageId]);
      assert.deepEqual(result.appended.duplicates, [stored.messageId]);
    },
  },
  {
    port: 'commit',
    name: 'bad profile writes and events refuse the commit with VALIDATION before anything is written',
    async run({ storage, workspace }) {
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            profiles: [{ op: 'create', identifiers: [user('u-1')] } as never],
            documents: [{ collection: STATE, key: 'k', value: 1 }],
          }),
        'VALIDATION',
        'a create without an id',
      );
      await rejectsWithCode(
        () => storage.commit(workspace, { profiles: [{ op: 'explode', profileId: 'p' } as never] }),
        'VALIDATION',
        'an unknown op',
      );
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            profiles: [{ op: 'patchTraits', profileId: '', set: {} }],
          }),
        'VALIDATION',
        'an empty profile id',
      );
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            profiles: [
              { op: 'create', id: 'a', identifiers: [user('same')] },
              { op: 'create', id: 'b', identifiers: [user('same')] },
            ],
          }),
        'CONFLICT',
        'two creates with one identifier',
      );
      const result = await storage.commit(workspace, {
        events: [{ type: 'track' } as never],
        documents: [{ collection: STATE, key: 'k', value: 1 }],
      });
      assert.equal(result.appended.rejected.length, 1, 'an invalid event is reported, as by append');
      await rejectsWithCode(
        () =>
          storage.commit(workspace, {
            events: [{ type: 'track' } as never],
            eventsMustBeNew: true,
            documents: [{ collection: STATE, key: 'k2', value: 1 }],
          }),
        'CONFLICT',
        'an invalid event with eventsMustBeNew',
      );
      assert.equal(await storage.documents.get(workspace, STATE, 'k2'), null);
      assert.equal(await storage.profiles.findByIdentifier(workspace, user('same')), null);
    },
  },
];
