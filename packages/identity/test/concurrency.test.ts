import { ManualClock, memoryStorage, type Storage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createIdentity } from '../src';
import { identify, WS } from './helpers';

describe('concurrent writers', () => {
  it('a trait update lands on the survivor when another process merged the profile meanwhile', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const base = memoryStorage({ clock });
    let raced = false;
    // Another process merges the profile away between this one's reads and its commit.
    const storage: Storage = {
      ...base,
      async commit(ws, input) {
        const patch = input.profiles?.find((write) => write.op === 'patchTraits');
        if (!raced && patch?.op === 'patchTraits') {
          raced = true;
          const other = await base.profiles.create(ws, {
            identifiers: [{ type: 'user_id', value: 'other' }],
          });
          await base.profiles.merge(ws, { into: other.id, from: patch.profileId });
        }
        return base.commit(ws, input);
      },
    };
    const identity = createIdentity({ storage, clock });
    await identity.ingest(WS, [identify({ anonymousId: 'a-1' }, { plan: 'free' })]);
    expect(raced).toBe(false);
    const result = await identity.ingest(WS, [identify({ anonymousId: 'a-1' }, { plan: 'pro' })]);
    expect(raced).toBe(true);
    expect(result.accepted).toBe(1);
    const profile = await identity.getProfile(WS, { type: 'anonymous_id', value: 'a-1' });
    expect(profile?.traits).toEqual({ plan: 'pro' });
    expect(profile?.identifiers).toContainEqual({ type: 'user_id', value: 'other' });
  });

  it('two writers updating one person from the same reading both keep their consent change', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const base = memoryStorage({ clock });
    const consent = (preferences: Record<string, boolean>) => ({
      context: { consent: { categoryPreferences: preferences } },
    });
    await createIdentity({ storage: base, clock }).ingest(WS, [
      identify({ userId: 'u-1' }, {}, consent({ ads: true })),
    ]);
    // The other process commits its withdrawal between this one's reads and its commit.
    const other = createIdentity({ storage: base, clock });
    let raced = false;
    const storage: Storage = {
      ...base,
      async commit(ws, input) {
        if (!raced) {
          raced = true;
          clock.advance(1000);
          await other.ingest(WS, [identify({ userId: 'u-1' }, {}, consent({ ads: false }))]);
        }
        return base.commit(ws, input);
      },
    };
    clock.advance(1000);
    const result = await createIdentity({ storage, clock }).ingest(WS, [
      identify({ userId: 'u-1' }, {}, consent({ email: true })),
    ]);
    expect(raced).toBe(true);
    expect(result.accepted).toBe(1);
    const profile = await other.getProfile(WS, { type: 'user_id', value: 'u-1' });
    expect(profile?.consent).toEqual({ ads: false, email: true });
  });

  it('two identity instances on one store resolve the same person to one profile', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const storage = memoryStorage({ clock });
    const a = createIdentity({ storage, clock });
    const b = createIdentity({ storage, clock });
    const [first, second] = await Promise.all([
      a.ingest(WS, [identify({ userId: 'u-1' }, { email: 'x@x.io' })]),
      b.ingest(WS, [identify({ userId: 'u-1', anonymousId: 'a-9' })]),
    ]);
    expect(first.results[0]!.profileId).toBe(second.results[0]!.profileId);
    expect((await storage.profiles.list(WS)).items).toHaveLength(1);
  });
});
