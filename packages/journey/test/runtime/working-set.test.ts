import { ManualClock, memoryStorage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { JOURNEY_COLLECTIONS, JourneyWorkingSet } from '../../src/runtime/journey-store';

/* The working set one commit is built in: reads once, sees its own writes. */
describe('JourneyWorkingSet', () => {
  it('preloads documents and profiles in one read each, following merges', async () => {
    const storage = memoryStorage({ clock: new ManualClock('2026-01-01T00:00:00Z') });
    await storage.profiles.create('ws', { id: 'a', traits: { plan: 'free' } });
    await storage.profiles.create('ws', { id: 'b', traits: {} });
    await storage.profiles.merge('ws', { from: 'b', into: 'a' });
    await storage.documents.put('ws', {
      collection: JOURNEY_COLLECTIONS.instances,
      key: 'i1',
      value: { n: 1 },
    });
    const work = new JourneyWorkingSet(storage, 'ws');
    await work.preload(JOURNEY_COLLECTIONS.instances, ['i1', 'missing']);
    await work.preloadProfiles(['a', 'b', 'nobody']);
    expect(await work.get(JOURNEY_COLLECTIONS.instances, 'i1')).toEqual({ n: 1 });
    expect(await work.get(JOURNEY_COLLECTIONS.instances, 'missing')).toBeUndefined();
    expect((await work.profile('b'))?.id).toBe('a');
    expect(await work.profile('nobody')).toBeNull();
    // A new document written over a preloaded absent one is expected new in the commit.
    work.set(JOURNEY_COLLECTIONS.instances, 'missing', { n: 2 });
    expect(work.toCommit().documents).toEqual([
      { collection: JOURNEY_COLLECTIONS.instances, key: 'missing', value: { n: 2 }, expectedVersion: 0 },
    ]);
  });

  it('shows a trait patch to later steps of the same working set, under every id that reads the person', async () => {
    const storage = memoryStorage({ clock: new ManualClock('2026-01-01T00:00:00Z') });
    await storage.profiles.create('ws', { id: 'a', traits: { plan: 'free' } });
    await storage.profiles.create('ws', { id: 'b', traits: {} });
    await storage.profiles.merge('ws', { from: 'b', into: 'a' });
    const work = new JourneyWorkingSet(storage, 'ws');
    expect((await work.profile('a'))?.traits).toEqual({ plan: 'free' });
    expect((await work.profile('b'))?.traits).toEqual({ plan: 'free' });
    work.patchTraits('a', { plan: 'gold' });
    expect((await work.profile('a'))?.traits).toEqual({ plan: 'gold' });
    expect((await work.profile('b'))?.traits).toEqual({ plan: 'gold' });
    expect(work.toCommit().profiles).toEqual([{ op: 'patchTraits', profileId: 'a', set: { plan: 'gold' } }]);
    // Nothing is stored until the commit.
    expect((await storage.profiles.get('ws', 'a'))?.traits).toEqual({ plan: 'free' });
  });
});
