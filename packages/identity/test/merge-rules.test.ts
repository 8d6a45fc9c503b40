import { describe, expect, it } from 'vitest';
import { identify, keysOf, setup, track, WS } from './helpers';

describe('identity graph', () => {
  it('writes Profile Merged into the log right after the event that caused it, in the same batch', async () => {
    const { identity, storage } = setup();
    await identity.ingest(WS, [track({ anonymousId: 'a-1' }), identify({ userId: 'u-1' }, { plan: 'pro' })]);
    const batch = [
      track({ anonymousId: 'a-1' }),
      identify({ userId: 'u-1', anonymousId: 'a-1' }),
      track({ userId: 'u-1' }),
    ];
    const result = await identity.ingest(WS, batch);
    const survivor = result.results[1]!.profileId!;
    const log = (await storage.events.scan(WS)).items.slice(2);
    expect(log.map((e) => (e.type === 'track' ? e.event : e.type))).toEqual([
      'Product Viewed',
      'identify',
      'Profile Merged',
      'Product Viewed',
    ]);
    expect(log[2]).toMatchObject({
      profileId: survivor,
      userId: 'u-1',
      properties: { into: survivor, rule: 'shared-identifier', causedBy: batch[1]!.messageId },
      context: { library: { name: '@cx/identity' } },
    });
    const merges = await storage.documents.list(WS, 'identity.merges');
    expect((log[2] as unknown as { properties: { mergeId: string } }).properties.mergeId).toBe(
      merges.items[0]!.key,
    );
  });

  it('merges two known profiles that one event links, recording the rule', async () => {
    const { identity, decisions, merged } = setup();
    const anon = await identity.ingest(WS, [track({ anonymousId: 'a-1' })]);
    const user = await identity.ingest(WS, [identify({ userId: 'u-1' }, { email: 'u1@x.io' })]);
    const anonId = anon.results[0]!.profileId!;
    const userId = user.results[0]!.profileId!;
    expect(anonId).not.toBe(userId);

    const link = await identity.ingest(WS, [track({ anonymousId: 'a-1', userId: 'u-1' })]);
    expect(link.results[0]!.profileId).toBe(userId);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      kind: 'merged',
      rule: 'shared-identifier',
      profileIds: [userId, anonId],
      messageId: link.results[0]!.messageId,
    });
    expect(merged).toHaveLength(1);
    const profile = await identity.getProfile(WS, { type: 'anonymous_id', value: 'a-1' });
    expect(profile?.id).toBe(userId);
    expect(profile?.mergedProfileIds).toEqual([anonId]);
    expect(profile?.eventCounts.total).toBe(3);
    expect(keysOf(profile)).toEqual(['anonymous_id:a-1', 'email:u1@x.io', 'user_id:u-1']);
    // The merged-away id still names the person.
    expect((await identity.getProfile(WS, { profileId: anonId }))?.id).toBe(userId);
    const stored = await identity.listDecisions(WS, { profileId: anonId });
    expect(stored.map((d) => d.id)).toEqual([decisions[0]!.id]);
  });

  it('refuses blocked values as identifiers and rejects events left without one', async () => {
    const { identity, decisions } = setup();
    const result = await identity.ingest(WS, [
      track({ anonymousId: 'undefined', userId: 'u-1' }),
      track({ anonymousId: 'NULL ' }),
      track({ userId: '[object Object]' }),
      identify({ userId: 'u-2' }, { email: 'not-an-email' }),
      track({ anonymousId: '0' }),
      track({ anonymousId: ' Guest' }),
    ]);
    expect(result.results.map((r) => r.status)).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'accepted',
      'rejected',
      'rejected',
    ]);
    expect(result.results[1]).toMatchObject({
      code: 'NO_IDENTIFIER',
      issues: [{ path: 'anonymousId', code: 'blocked-value' }],
    });
    expect(decisions.map((d) => [d.kind, d.rule, d.identifier?.value])).toEqual([
      ['refused', 'blocked-value', 'undefined'],
      ['refused', 'invalid-value', 'not-an-email'],
    ]);
    const profile = await identity.getProfile(WS, { type: 'user_id', value: 'u-1' });
    expect(keysOf(profile)).toEqual(['user_id:u-1']);
    expect(await identity.getProfile(WS, { type: 'anonymous_id', value: 'undefined' })).toBeNull();
  });

  it('accepts extra blocked values from config', async () => {
    const { identity } = setup({ extraBlockedValues: ['SHARED-KIOSK'] });
    const result = await identity.ingest(WS, [track({ anonymousId: 'shared-kiosk' })]);
    expect(result.results[0]).toMatchObject({ status: 'rejected', code: 'NO_IDENTIFIER' });
  });

  it('demotes the least trusted identifier when a merge would give a profile two user ids', async () => {
    const { identity, decisions } = setup();
    const a = await identity.ingest(WS, [identify({ userId: 'u-a', anonymousId: 'device-1' })]);
    const b = await identity.ingest(WS, [identify({ userId: 'u-b', anonymousId: 'device-1' })]);
    const profileA = a.results[0]!.profileId!;
    const profileB = b.results[0]!.profileId!;
    expect(profileB).not.toBe(profileA);
    expect(decisions).toEqual([
      expect.objectContaining({
        kind: 'demoted',
        rule: 'limit',
        identifier: { type: 'anonymous_id', value: 'device-1' },
        limit: { type: 'user_id', max: 1 },
        profileIds: [profileA, profileB],
        messageId: b.results[0]!.messageId,
      }),
    ]);
    expect(decisions[0]!.reason).toContain('user_id');
    expect(keysOf(await identity.getProfile(WS, { profileId: profileA }))).toEqual([
      'anonymous_id:device-1',
      'user_id:u-a',
    ]);
    expect(keysOf(await identity.getProfile(WS, { profileId: profileB }))).toEqual(['user_id:u-b']);
  });

  it('demotes step by step, least trusted first, until the merge fits the limits', async () => {
    const { identity, decisions } = setup({ limits: { user_id: { max: 1 }, email: { max: 1 } } });
    await identity.ingest(WS, [identify({ userId: 'u-a' }, { email: 'a@x.io', phone: '+84912345678' })]);
    const b = await identity.ingest(WS, [
      identify({ userId: 'u-a', anonymousId: 'anon-b' }, { email: 'b@x.io', phone: '+84912345679' }),
    ]);
    // email b@x.io breaks the one-email limit; anon and phone rank below it and are dropped first.
    expect(decisions.map((d) => [d.kind, d.identifier?.type])).toEqual([
      ['demoted', 'anonymous_id'],
      ['demoted', 'phone'],
      ['demoted', 'email'],
    ]);
    expect(decisions.every((d) => d.limit?.type === 'email')).toBe(true);
    const profile = await identity.getProfile(WS, { type: 'user_id', value: 'u-a' });
    expect(b.results[0]!.profileId).toBe(profile!.id);
    expect(keysOf(profile)).toEqual(['email:a@x.io', 'phone:+84912345678', 'user_id:u-a']);
  });

  it('applies a limit only within its time window', async () => {
    const { identity, clock, decisions } = setup({
      limits: { user_id: { max: 1 }, email: { max: 1, windowMs: 60_000 } },
    });
    await identity.ingest(WS, [identify({ userId: 'u-1' }, { email: 'first@x.io' })]);
    await identity.ingest(WS, [identify({ userId: 'u-1' }, { email: 'second@x.io' })]);
    expect(decisions).toEqual([
      expect.objectContaining({
        kind: 'demoted',
        rule: 'limit',
        limit: { type: 'email', max: 1, windowMs: 60_000 },
      }),
    ]);
    clock.advance(61_000);
    await identity.ingest(WS, [identify({ userId: 'u-1' }, { email: 'second@x.io' })]);
    expect(decisions).toHaveLength(1);
    expect(keysOf(await identity.getProfile(WS, { type: 'user_id', value: 'u-1' }))).toEqual([
      'email:first@x.io',
      'email:second@x.io',
      'user_id:u-1',
    ]);
  });

  it('quarantines an identifier that would join more profiles than the cap', async () => {
    const { identity, decisions } = setup({ maxProfilesPerIdentifier: 3 });
    for (const n of [1, 2, 3, 4])
      await identity.ingest(WS, [identify({ anonymousId: `own-${n}` }, { email: `p${n}@x.io` })]);
    // A shared tablet signs in as each person in turn.
    await identity.ingest(WS, [identify({ anonymousId: 'tablet' }, { email: 'p1@x.io' })]);
    await identity.ingest(WS, [identify({ anonymousId: 'tablet' }, { email: 'p2@x.io' })]);
    await identity.ingest(WS, [identify({ anonymousId: 'tablet' }, { email: 'p3@x.io' })]);
    expect(decisions.filter((d) => d.kind === 'merged')).toHaveLength(2);
    const fourth = await identity.ingest(WS, [identify({ anonymousId: 'tablet' }, { email: 'p4@x.io' })]);
    const quarantine = decisions.filter((d) => d.kind === 'quarantined');
    expect(quarantine).toEqual([
      expect.objectContaining({
        rule: 'max-profiles-per-identifier',
        identifier: { type: 'anonymous_id', value: 'tablet' },
        messageId: fourth.results[0]!.messageId,
      }),
    ]);
    expect(decisions.filter((d) => d.kind === 'merged')).toHaveLength(2);
    const p4 = await identity.getProfile(WS, { type: 'email', value: 'p4@x.io' });
    expect(fourth.results[0]!.profileId).toBe(p4!.id);
    expect(keysOf(p4)).toEqual(['anonymous_id:own-4', 'email:p4@x.io']);
    // The tablet no longer resolves to anyone, and its events are kept without a profile.
    expect(await identity.getProfile(WS, { type: 'anonymous_id', value: 'tablet' })).toBeNull();
    const later = await identity.ingest(WS, [track({ anonymousId: 'tablet' })]);
    expect(later.results[0]).toMatchObject({ status: 'accepted' });
    expect(later.results[0]!.profileId).toBeUndefined();
    const withEmail = await identity.ingest(WS, [
      track({ anonymousId: 'tablet', context: { traits: { email: 'p4@x.io' } } }),
    ]);
    expect(withEmail.results[0]!.profileId).toBe(p4!.id);
    expect(keysOf(await identity.getProfile(WS, { profileId: p4!.id }))).toEqual([
      'anonymous_id:own-4',
      'email:p4@x.io',
    ]);
  });

  it('alias links an anonymous id to a user id', async () => {
    const { identity, decisions } = setup();
    const anon = await identity.ingest(WS, [track({ anonymousId: 'visitor-9' })]);
    const user = await identity.ingest(WS, [identify({ userId: 'u-9' })]);
    const alias = await identity.ingest(WS, [
      { type: 'alias', userId: 'u-9', previousId: 'visitor-9', messageId: 'alias-1' },
    ]);
    expect(alias.results[0]!.profileId).toBe(user.results[0]!.profileId);
    expect(decisions).toEqual([
      expect.objectContaining({
        kind: 'merged',
        rule: 'alias',
        messageId: 'alias-1',
        profileIds: [user.results[0]!.profileId, anon.results[0]!.profileId],
      }),
    ]);
  });

  it('alias of a new previous id attaches it as an anonymous id', async () => {
    const { identity } = setup();
    await identity.ingest(WS, [{ type: 'alias', userId: 'u-1', previousId: 'old-device' }]);
    expect(keysOf(await identity.getProfile(WS, { type: 'user_id', value: 'u-1' }))).toEqual([
      'anonymous_id:old-device',
      'user_id:u-1',
    ]);
  });

  it('alias of two user ids is refused under the one-user-id limit, with the reason', async () => {
    const { identity, decisions } = setup();
    const old = await identity.ingest(WS, [identify({ userId: 'old-id' })]);
    const current = await identity.ingest(WS, [identify({ userId: 'new-id' })]);
    const alias = await identity.ingest(WS, [{ type: 'alias', userId: 'new-id', previousId: 'old-id' }]);
    expect(alias.results[0]!.profileId).toBe(current.results[0]!.profileId);
    expect(decisions).toEqual([
      expect.objectContaining({
        kind: 'demoted',
        rule: 'limit',
        identifier: { type: 'user_id', value: 'old-id' },
        refusedMergeWith: [old.results[0]!.profileId],
      }),
    ]);
  });

  it('alias of two user ids merges when the limit allows two', async () => {
    const { identity, decisions } = setup({ limits: { user_id: { max: 2 } } });
    await identity.ingest(WS, [identify({ userId: 'old-id' })]);
    await identity.ingest(WS, [identify({ userId: 'new-id' })]);
    await identity.ingest(WS, [{ type: 'alias', userId: 'new-id', previousId: 'old-id' }]);
    expect(decisions.map((d) => [d.kind, d.rule])).toEqual([['merged', 'alias']]);
    expect(keysOf(await identity.getProfile(WS, { type: 'user_id', value: 'old-id' }))).toEqual([
      'user_id:new-id',
      'user_id:old-id',
    ]);
  });

  it('reads custom identifier types from traits and context.externalIds', async () => {
    const { identity } = setup({
      identifierTypes: [
        { type: 'user_id', source: 'userId' },
        { type: 'anonymous_id', source: 'anonymousId' },
        { type: 'zalo_id', source: 'externalId', key: 'zalo' },
        { type: 'loyalty_card', source: 'trait', key: 'loyaltyCard', normalize: 'lowercase' },
      ],
      priority: ['user_id', 'loyalty_card', 'zalo_id', 'anonymous_id'],
    });
    const pos = await identity.ingest(WS, [identify({ userId: 'pos-7' }, { loyaltyCard: 'CARD-42' })]);
    const zalo = await identity.ingest(WS, [
      track({
        anonymousId: 'a-z',
        context: {
          externalIds: [{ id: 'z-100', type: 'zalo', collection: 'users' }],
          traits: { loyaltyCard: 'card-42' },
        },
      }),
    ]);
    expect(zalo.results[0]!.profileId).toBe(pos.results[0]!.profileId);
    expect(keysOf(await identity.getProfile(WS, { type: 'zalo_id', value: 'z-100' }))).toEqual([
      'anonymous_id:a-z',
      'loyalty_card:card-42',
      'user_id:pos-7',
      'zalo_id:z-100',
    ]);
  });

  it('resolves identities across a batch in order with one profile per person', async () => {
    const { identity, storage } = setup();
    const result = await identity.ingest(WS, [
      track({ anonymousId: 'b-1' }),
      track({ anonymousId: 'b-2' }),
      identify({ anonymousId: 'b-1', userId: 'bu-1' }),
      track({ userId: 'bu-1' }),
      identify({ anonymousId: 'b-2' }, { email: 'two@x.io' }),
      track({ anonymousId: 'b-2', userId: 'bu-1' }),
    ]);
    expect(result.accepted).toBe(6);
    const ids = result.results.map((r) => r.profileId);
    expect(new Set([ids[0], ids[2], ids[3], ids[5]]).size).toBe(1);
    expect(ids[1]).toBe(ids[4]);
    const profile = await identity.getProfile(WS, { type: 'email', value: 'two@x.io' });
    expect(profile?.id).toBe(ids[0]);
    expect(profile?.eventCounts.total).toBe(6);
    expect((await storage.profiles.list(WS)).items).toHaveLength(1);
  });
});

describe('quarantine counts bridges, not anchors', () => {
  it('a user id that gathers the anonymous ids of many devices is never quarantined', async () => {
    const { identity, decisions } = setup({ maxProfilesPerIdentifier: 2 });
    await identity.ingest(WS, [identify({ userId: 'u-1' })]);
    for (let device = 0; device < 6; device++) {
      await identity.ingest(WS, [track({ anonymousId: `device-${device}` })]);
      await identity.ingest(WS, [track({ anonymousId: `device-${device}`, userId: 'u-1' })]);
    }
    expect(decisions.map((d) => d.kind)).toEqual(new Array(6).fill('merged'));
    const profile = await identity.getProfile(WS, { type: 'user_id', value: 'u-1' });
    expect(profile?.mergedProfileIds).toHaveLength(6);
    expect(profile?.eventCounts.total).toBe(13);
  });
});
