import assert from 'node:assert/strict';
import type { ConformanceCheck } from '../conformance-types';
import { makeEvent } from '../fixtures';
import { idsOf, rejectsWithCode, scanAll } from './assertions';

/** No port reads or changes another workspace's data. */
export const workspaceChecks: ConformanceCheck[] = [
  {
    port: 'workspaces',
    name: 'events are isolated per workspace, even with the same messageId',
    async run({ storage, workspace, otherWorkspace }) {
      const mine = makeEvent({ messageId: 'shared-id', profileId: 'p1', event: 'Mine' });
      const theirs = makeEvent({ messageId: 'shared-id', profileId: 'p1', event: 'Theirs' });
      assert.deepEqual((await storage.events.append(workspace, [mine])).inserted, ['shared-id']);
      assert.deepEqual((await storage.events.append(otherWorkspace, [theirs])).inserted, ['shared-id']);
      assert.deepEqual(await storage.events.get(workspace, 'shared-id'), mine);
      assert.deepEqual(await storage.events.get(otherWorkspace, 'shared-id'), theirs);
      const extra = makeEvent({ profileId: 'p1' });
      await storage.events.append(otherWorkspace, [extra]);
      assert.deepEqual(idsOf(await scanAll(storage, workspace)), ['shared-id']);
      const listed = await storage.events.listByProfile(workspace, { profileIds: ['p1'] });
      assert.deepEqual(idsOf(listed.items), ['shared-id']);
      assert.equal(await storage.events.deleteByProfile(workspace, ['p1']), 1);
      assert.deepEqual(idsOf(await scanAll(storage, otherWorkspace)), ['shared-id', extra.messageId]);
    },
  },
  {
    port: 'workspaces',
    name: 'profiles and identifiers are isolated per workspace',
    async run({ storage, workspace, otherWorkspace }) {
      const id = { type: 'email', value: 'same@example.com' };
      const mine = await storage.profiles.create(workspace, {
        id: 'same-profile',
        identifiers: [id],
        traits: { w: 1 },
      });
      const theirs = await storage.profiles.create(otherWorkspace, {
        id: 'same-profile',
        identifiers: [id],
        traits: { w: 2 },
      });
      const only = await storage.profiles.create(otherWorkspace, { id: 'only-theirs' });
      assert.deepEqual((await storage.profiles.findByIdentifier(workspace, id))?.traits, { w: 1 });
      assert.equal(await storage.profiles.get(workspace, only.id), null);
      await rejectsWithCode(
        () => storage.profiles.merge(workspace, { into: mine.id, from: only.id }),
        'NOT_FOUND',
        'merging a profile of another workspace',
      );
      await rejectsWithCode(
        () => storage.profiles.patchTraits(workspace, only.id, { set: { hacked: true } }),
        'NOT_FOUND',
        'patching a profile of another workspace',
      );
      assert.deepEqual(await storage.profiles.delete(workspace, only.id), []);
      assert.deepEqual(await storage.profiles.delete(workspace, mine.id), [mine.id]);
      assert.deepEqual(await storage.profiles.get(otherWorkspace, theirs.id), theirs);
      assert.deepEqual(await storage.profiles.get(otherWorkspace, only.id), only);
      assert.equal((await storage.profiles.findByIdentifier(otherWorkspace, id))?.id, theirs.id);
    },
  },
  {
    port: 'workspaces',
    name: 'leases are isolated per workspace',
    async run({ storage, workspace, otherWorkspace }) {
      assert.ok(await storage.leases.acquire(workspace, { key: 'k', owner: 'a', ttlMs: 60_000 }));
      assert.ok(await storage.leases.acquire(otherWorkspace, { key: 'k', owner: 'b', ttlMs: 60_000 }));
      assert.equal(await storage.leases.release(otherWorkspace, { key: 'k', owner: 'a' }), false);
    },
  },
];
