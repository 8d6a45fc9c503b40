import { memoryStorage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createIdentity } from '../src';
import { identify, keysOf, setup, track, WS } from './helpers';

describe('collection', () => {
  it('accepts all six Segment calls and stores them under the resolved profile', async () => {
    const { identity, storage } = setup();
    const result = await identity.ingest(WS, [
      { type: 'identify', userId: 'u-1', traits: { name: 'An' } },
      { type: 'track', userId: 'u-1', event: 'Signed Up' },
      { type: 'page', userId: 'u-1', name: 'Home' },
      { type: 'screen', userId: 'u-1', name: 'Cart' },
      { type: 'group', userId: 'u-1', groupId: 'org-1', traits: { plan: 'team' } },
      { type: 'alias', userId: 'u-1', previousId: 'a-1' },
    ]);
    expect(result).toMatchObject({ accepted: 6, duplicates: 0, rejected: 0, suppressed: 0 });
    const profileId = result.results[0]!.profileId!;
    expect(result.results.every((r) => r.profileId === profileId && r.messageId)).toBe(true);
    const profile = await identity.getProfile(WS, { profileId });
    expect(profile?.eventCounts.byType).toEqual({
      identify: 1,
      track: 1,
      page: 1,
      screen: 1,
      group: 1,
      alias: 1,
    });
    expect(profile?.traits).toEqual({ name: 'An' });
    const stored = await storage.events.get(WS, result.results[1]!.messageId!);
    expect(stored?.profileId).toBe(profileId);
  });

  it('answers duplicate within the window without I/O, and through the store after it', async () => {
    const { identity, storage, clock } = setup({ dedupe: { windowMs: 60_000, maxEntries: 10 } });
    const event = track({ anonymousId: 'a-1' });
    expect((await identity.ingest(WS, [event])).accepted).toBe(1);
    const appends: number[] = [];
    const original = storage.commit.bind(storage);
    storage.commit = async (ws, input) => {
      if (input.events) appends.push(input.events.length);
      return original(ws, input);
    };
    const again = await identity.ingest(WS, [event, event]);
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(appends).toEqual([]);
    clock.advance(61_000);
    const late = await identity.ingest(WS, [event]);
    expect(late.results[0]).toMatchObject({ status: 'duplicate', messageId: event.messageId });
    expect(appends).toEqual([1]);
    expect((await identity.getProfile(WS, { type: 'anonymous_id', value: 'a-1' }))?.eventCounts.total).toBe(
      1,
    );
  });

  it('repeats within one batch are duplicates of the first', async () => {
    const { identity } = setup();
    const event = track({ anonymousId: 'a-1' });
    const result = await identity.ingest(WS, [event, { ...event, event: 'Other' }]);
    expect(result.results.map((r) => r.status)).toEqual(['accepted', 'duplicate']);
  });

  it('a replayed identify beyond the window does not add to a sum trait twice', async () => {
    const { identity, clock } = setup({
      dedupe: { windowMs: 1000 },
      traits: { strategies: { visits: 'sum' } },
    });
    const event = identify({ userId: 'u-1' }, { visits: 2 });
    await identity.ingest(WS, [event]);
    clock.advance(5000);
    expect((await identity.ingest(WS, [event])).duplicates).toBe(1);
    expect((await identity.getProfile(WS, { type: 'user_id', value: 'u-1' }))?.traits.visits).toBe(2);
  });

  it('corrects client clock skew with sentAt and receivedAt', async () => {
    const { identity, storage } = setup();
    const result = await identity.ingest(
      WS,
      [track({ anonymousId: 'a-1', timestamp: '2026-01-01T10:00:00Z', sentAt: '2026-01-01T10:00:05Z' })],
      { receivedAt: Date.parse('2026-01-01T10:00:02Z') },
    );
    const stored = await storage.events.get(WS, result.results[0]!.messageId!);
    expect(stored?.timestamp).toBe('2026-01-01T09:59:57.000Z');
    expect(stored?.originalTimestamp).toBe('2026-01-01T10:00:00.000Z');
  });

  it('rejects bad events with a code and stores the good ones of the batch', async () => {
    const { identity, storage } = setup({ maxEventBytes: 2048 });
    const result = await identity.ingest(WS, [
      track({ anonymousId: 'ok-1' }),
      { type: 'track', event: 'No Ids', messageId: 'no-ids' },
      { type: 'track', anonymousId: 'a-2', event: 42, messageId: 'bad-type' },
      { type: 'teleport', anonymousId: 'a-3' },
      track({ anonymousId: 'big' }, { properties: { blob: 'x'.repeat(4000) } }),
      'not an event',
      null,
      track({ anonymousId: 'ok-2' }),
    ]);
    expect(result.results.map((r) => r.status)).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'accepted',
    ]);
    expect(result.results.map((r) => r.code)).toEqual([
      undefined,
      'VALIDATION',
      'VALIDATION',
      'VALIDATION',
      'LIMIT',
      'VALIDATION',
      'VALIDATION',
      undefined,
    ]);
    expect(result.results[1]).toMatchObject({
      messageId: 'no-ids',
      issues: [expect.objectContaining({ path: 'userId' })],
    });
    expect(result.results[2]!.issues?.[0]?.path).toBe('event');
    expect(result).toMatchObject({ accepted: 2, rejected: 6 });
    expect(await identity.getProfile(WS, { type: 'anonymous_id', value: 'big' })).toBeNull();
    expect(await storage.events.get(WS, 'bad-type')).toBeNull();
    expect((await storage.profiles.list(WS)).items).toHaveLength(2);
  });

  it('rejects a malformed call before storing anything', async () => {
    const { identity, storage } = setup();
    await expect(identity.ingest(WS, 'nope' as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(identity.ingest('bad workspace!', [track({ anonymousId: 'a' })])).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      identity.ingest(WS, [track({ anonymousId: 'a' })], { receivedAt: 'yesterday' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      identity.ingest(WS, new Array(10_001).fill(track({ anonymousId: 'a' }))),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect((await storage.profiles.list(WS)).items).toEqual([]);
    expect((await storage.events.scan(WS)).items).toEqual([]);
  });

  it('keeps workspaces apart: another workspace profile is not found', async () => {
    const { identity } = setup();
    const result = await identity.ingest('tenant-a', [identify({ userId: 'u-1' }, { email: 'a@x.io' })]);
    const profileId = result.results[0]!.profileId!;
    expect(await identity.getProfile('tenant-b', { type: 'user_id', value: 'u-1' })).toBeNull();
    expect(await identity.getProfile('tenant-b', { profileId })).toBeNull();
    for (const call of [
      () => identity.listProfileEvents('tenant-b', { profileId }),
      () => identity.deletePerson('tenant-b', { profileId }),
      () => identity.suppress('tenant-b', { type: 'email', value: 'a@x.io' }),
      () => identity.exportPerson('tenant-b', { profileId }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    const other = await identity.ingest('tenant-b', [identify({ userId: 'u-1' })]);
    expect(other.results[0]!.profileId).not.toBe(profileId);
    expect(keysOf(await identity.getProfile('tenant-a', { profileId }))).toEqual([
      'email:a@x.io',
      'user_id:u-1',
    ]);
  });

  it('rejects bad references and options with typed errors', async () => {
    const { identity } = setup();
    await expect(identity.getProfile(WS, { type: 'Email', value: 'x' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(identity.getProfile(WS, {} as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(identity.listProfileEvents(WS, { profileId: 'x' }, { limit: -1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await identity.ingest(WS, [track({ userId: 'u-1' })]);
    await expect(
      identity.listProfileEvents(WS, { type: 'user_id', value: 'u-1' }, { limit: -1 }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(() =>
      createIdentity({ storage: memoryStorage(), config: { limits: { nope: { max: 1 } } } }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => createIdentity({ storage: memoryStorage(), config: { phoneRegion: 'XX' } })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => createIdentity({} as never)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('lists the person’s events across merged profiles, a page at a time', async () => {
    const { identity } = setup();
    await identity.ingest(WS, [track({ anonymousId: 'a-1', timestamp: '2026-01-01T00:00:01Z' })]);
    await identity.ingest(WS, [track({ userId: 'u-1', timestamp: '2026-01-01T00:00:02Z' })]);
    await identity.ingest(WS, [
      track({ userId: 'u-1', anonymousId: 'a-1', timestamp: '2026-01-01T00:00:03Z' }),
    ]);
    const first = await identity.listProfileEvents(WS, { type: 'anonymous_id', value: 'a-1' }, { limit: 2 });
    expect(first.items.map((e) => e.timestamp)).toEqual([
      '2026-01-01T00:00:01.000Z',
      '2026-01-01T00:00:02.000Z',
    ]);
    const second = await identity.listProfileEvents(
      WS,
      { type: 'user_id', value: 'u-1' },
      { limit: 2, cursor: first.nextCursor },
    );
    // The merge the third event caused is on the person too, at the time it happened.
    expect(second.items.map((e) => e.timestamp)).toEqual([
      '2026-01-01T00:00:03.000Z',
      '2026-03-01T10:00:00.000Z',
    ]);
    expect(second.items[1]).toMatchObject({ type: 'track', event: 'Profile Merged' });
    expect(second.nextCursor).toBeNull();
  });

  it('publishes events.appended with the stored messageIds', async () => {
    const { identity, bus } = setup();
    const seen: string[][] = [];
    bus.subscribe('events.appended', ({ messageIds }) => {
      seen.push([...messageIds]);
    });
    const event = track({ anonymousId: 'a-1' });
    await identity.ingest(WS, [event, track({ userId: 'null' })]);
    expect(seen).toEqual([[event.messageId]]);
  });
});

describe('large batches', () => {
  it('commits a batch whose new people and merges need more documents than one putMany takes', async () => {
    const { identity } = setup();
    await identity.ingest(
      WS,
      Array.from({ length: 400 }, (_, i) => track({ anonymousId: `v-${i}` })),
    );
    // 1,200 new people with traits (a state each) and 400 merges (log, decision, state each).
    const events = [
      ...Array.from({ length: 1200 }, (_, i) => identify({ userId: `n-${i}` }, { plan: 'free' })),
      ...Array.from({ length: 400 }, (_, i) => identify({ userId: `n-${i}`, anonymousId: `v-${i}` })),
    ];
    const result = await identity.ingest(WS, events);
    expect(result.accepted).toBe(1600);
    expect((await identity.getProfile(WS, { type: 'anonymous_id', value: 'v-399' }))?.traits).toEqual({
      plan: 'free',
    });
  });

  it('resolves a batch with more identifiers than one lookup takes', async () => {
    const { identity } = setup();
    const events = Array.from({ length: 600 }, (_, i) =>
      identify({ userId: `big-${i}`, anonymousId: `anon-${i}` }, { email: `big${i}@x.io` }),
    );
    const result = await identity.ingest(WS, events);
    expect(result.accepted).toBe(600);
    const again = await identity.ingest(
      WS,
      events.map((e) => ({ ...e, messageId: `${e.messageId}-again` })),
    );
    expect(again.results.map((r) => r.profileId)).toEqual(result.results.map((r) => r.profileId));
  });
});
