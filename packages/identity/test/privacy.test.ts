import { describe, expect, it } from 'vitest';
import { identify, setup, track, WS } from './helpers';

describe('privacy', () => {
  it('deletes a person everywhere and refuses replays of their events', async () => {
    const { identity, storage, bus } = setup();
    const deleted: string[][] = [];
    bus.subscribe('identity.profile.deleted', ({ profileIds }) => {
      deleted.push(profileIds);
    });
    const events = [
      track({ anonymousId: 'a-1' }),
      identify({ userId: 'u-1' }, { email: 'gone@x.io' }),
      track({ userId: 'u-1', anonymousId: 'a-1' }),
    ];
    await identity.ingest(WS, events);
    const keep = await identity.ingest(WS, [identify({ userId: 'u-2' }, { email: 'stay@x.io' })]);
    const person = await identity.getProfile(WS, { type: 'email', value: 'gone@x.io' });
    const outcome = await identity.deletePerson(WS, { type: 'email', value: 'gone@x.io' });
    // The three events and the `Profile Merged` the third one caused.
    expect(outcome).toMatchObject({ events: 4, identifiers: 3 });
    expect(outcome.profileIds.sort()).toEqual([person!.id, ...person!.mergedProfileIds].sort());
    expect(deleted).toEqual([outcome.profileIds]);

    expect(await identity.getProfile(WS, { type: 'user_id', value: 'u-1' })).toBeNull();
    for (const id of outcome.profileIds) expect(await storage.profiles.get(WS, id)).toBeNull();
    const remaining = [];
    for (const collection of [
      'identity.decisions',
      'identity.merges',
      'identity.profile-state',
      'identity.links',
    ]) {
      remaining.push(...(await storage.documents.list(WS, collection, { limit: 1000 })).items);
    }
    expect(JSON.stringify(remaining)).not.toContain('gone@x.io');
    expect(JSON.stringify(remaining)).not.toContain(person!.id);
    const tombstones = await storage.documents.list(WS, 'identity.flags');
    expect(tombstones.items).toHaveLength(3);
    expect(JSON.stringify(tombstones.items)).not.toContain('gone@x.io');
    // What is left in the log: the other person's event, and the deletion itself, which names
    // only profile ids and belongs to no profile.
    const log = (await storage.events.scan(WS)).items;
    expect(log.map((e) => e.profileId ?? null)).toEqual([keep.results[0]!.profileId, null]);
    expect(log[1]).toMatchObject({
      event: 'Profile Deleted',
      properties: { profileIds: expect.arrayContaining(outcome.profileIds) },
    });
    expect(JSON.stringify(log[1])).not.toContain('gone@x.io');
    expect(JSON.stringify(log[1])).not.toContain('u-1');
    // Running the deletion's first step again (after a crash) adds no second event.
    expect(log.filter((e) => e.type === 'track' && e.event === 'Profile Deleted')).toHaveLength(1);

    const replay = await identity.ingest(WS, events);
    expect(replay.results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'DELETED'],
      ['rejected', 'DELETED'],
      ['rejected', 'DELETED'],
    ]);
    expect(await identity.getProfile(WS, { type: 'anonymous_id', value: 'a-1' })).toBeNull();
    expect((await identity.getProfile(WS, { type: 'email', value: 'stay@x.io' }))?.eventCounts.total).toBe(1);
  });

  it('honours flags written before the workspace carried the flags marker', async () => {
    const { identity, storage } = setup();
    const events = [identify({ userId: 'u-old', anonymousId: 'a-old' }, { email: 'old@x.io' })];
    await identity.ingest(WS, events);
    await identity.deletePerson(WS, { type: 'user_id', value: 'u-old' });
    // As an earlier version left it: tombstones, no marker; read by a fresh process.
    expect(await storage.documents.delete(WS, 'identity.meta', 'flags')).toBe(true);
    const { identity: restarted } = setup({}, storage);
    const replay = await restarted.ingest(WS, events);
    expect(replay.results.map((r) => r.code)).toEqual(['DELETED']);
    expect(await storage.documents.get(WS, 'identity.meta', 'flags')).not.toBeNull();
  });

  it('deletes a suppressed person: the tombstones and the lifted suppression in one commit', async () => {
    const { identity, storage } = setup();
    const events = [identify({ userId: 'u-1', anonymousId: 'a-1' }, { email: 's@x.io' })];
    await identity.ingest(WS, events);
    await identity.suppress(WS, { type: 'user_id', value: 'u-1' });
    const outcome = await identity.deletePerson(WS, { type: 'user_id', value: 'u-1' });
    expect(outcome.identifiers).toBe(3);
    const flags = (await storage.documents.list<Record<string, unknown>>(WS, 'identity.flags')).items;
    expect(flags).toHaveLength(3);
    for (const flag of flags) expect(Object.keys(flag.value)).toEqual(['deleted']);
    const replay = await identity.ingest(
      WS,
      events.map((e) => ({ ...e, messageId: `${e.messageId}-r` })),
    );
    expect(replay.results[0]).toMatchObject({ status: 'rejected', code: 'DELETED' });
  });

  it('suppresses and unsuppresses a person', async () => {
    const { identity, storage } = setup();
    const first = await identity.ingest(WS, [
      identify({ userId: 'u-1', anonymousId: 'a-1' }, { email: 's@x.io' }),
    ]);
    const profileId = first.results[0]!.profileId!;
    expect(await identity.suppress(WS, { type: 'email', value: 's@x.io' })).toEqual({
      profileId,
      suppressed: true,
    });
    const blocked = await identity.ingest(WS, [
      track({ anonymousId: 'a-1' }),
      track({ anonymousId: 'new-device', context: { traits: { email: 's@x.io' } } }),
      track({ anonymousId: 'someone-else' }),
    ]);
    expect(blocked.results.map((r) => [r.status, r.code])).toEqual([
      ['suppressed', 'SUPPRESSED'],
      ['suppressed', 'SUPPRESSED'],
      ['accepted', undefined],
    ]);
    expect(blocked.results[0]!.profileId).toBe(profileId);
    expect(blocked.suppressed).toBe(2);
    expect(
      await storage.profiles.findByIdentifier(WS, { type: 'anonymous_id', value: 'new-device' }),
    ).toBeNull();
    const view = await identity.getProfile(WS, { profileId });
    expect(view).toMatchObject({ suppressed: true, eventCounts: { total: 1 } });

    expect(await identity.unsuppress(WS, { profileId })).toEqual({ profileId, suppressed: false });
    const after = await identity.ingest(WS, [track({ anonymousId: 'a-1' })]);
    expect(after.results[0]).toMatchObject({ status: 'accepted', profileId });
    expect((await identity.getProfile(WS, { profileId }))?.suppressed).toBe(false);
  });

  it('exports everything about a person as JSON', async () => {
    const { identity } = setup();
    await identity.ingest(WS, [
      track({ anonymousId: 'a-1' }),
      identify(
        { userId: 'u-1' },
        { email: 'me@x.io', name: 'Me' },
        { context: { consent: { categoryPreferences: { ads: false } } } },
      ),
    ]);
    await identity.ingest(WS, [track({ anonymousId: 'a-1', userId: 'u-1' })]);
    const data = await identity.exportPerson(WS, { type: 'user_id', value: 'u-1' });
    const json = JSON.parse(JSON.stringify(data));
    expect(json.profile.traits).toEqual({ email: 'me@x.io', name: 'Me' });
    expect(json.profile.consent).toEqual({ ads: false });
    expect(json.profiles).toHaveLength(2);
    expect(json.events.map((e: { event?: string; type: string }) => e.event ?? e.type)).toEqual([
      'Product Viewed',
      'identify',
      'Product Viewed',
      'Profile Merged',
    ]);
    expect(json.decisions.map((d: { kind: string }) => d.kind)).toEqual(['merged']);
    expect(json.merges).toHaveLength(1);
    expect(json.merges[0].before.from.identifiers).toEqual([{ type: 'anonymous_id', value: 'a-1' }]);
    expect(json.states[json.profile.id].traits.name.value).toBe('Me');
  });
});
