import { isCxError, type Storage } from '@cx/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Identity, isIdentityEvent } from '../src';
import { identify, keysOf, setup, track, WS } from './helpers';

/** Everything a merge can touch, without versions, update times and the split-pair memory. */
async function snapshot(storage: Storage, identity: Identity) {
  const out: Record<string, unknown> = {};
  const canonical = (await storage.profiles.list(WS, { limit: 1000 })).items;
  for (const profile of canonical) {
    const members = (await storage.profiles.members(WS, profile.id)).sort();
    const view = await identity.getProfile(WS, { profileId: profile.id });
    const { updatedAt: _u, ...stable } = view!;
    out[profile.id] = {
      identifiers: keysOf(profile),
      traits: profile.traits,
      members,
      view: { ...stable, identifiers: keysOf(view), mergedProfileIds: [...stable.mergedProfileIds].sort() },
    };
    for (const member of members) {
      const record = await storage.profiles.get(WS, member);
      const events = await storage.events.listByProfile(WS, { profileIds: [member], limit: 10_000 });
      const state = await storage.documents.get<Record<string, unknown>>(
        WS,
        'identity.profile-state',
        member,
      );
      // A missing state document and an empty one are the same state.
      const { splitFrom: _s, ...rest }: Record<string, unknown> = {
        consent: {},
        identifiersAddedAt: {},
        traits: {},
        ...state?.value,
      };
      out[`member:${member}`] = {
        mergedInto: record!.mergedInto,
        identifiers: keysOf(record),
        traits: record!.traits,
        // The person's own events: identity's (`Profile Merged`, `Profile Unmerged`) stay in the log.
        events: events.items.filter((e) => !isIdentityEvent(e)).map((e) => e.messageId),
        state: rest,
      };
    }
  }
  return out;
}

describe('merge log and unmerge', () => {
  it('restores both profiles exactly: identifiers, traits, consent, history and events', async () => {
    const { identity, storage, clock } = setup();
    await identity.ingest(WS, [
      identify(
        { userId: 'u-1' },
        { name: 'An', plan: 'pro' },
        { context: { consent: { categoryPreferences: { ads: true } } } },
      ),
      track({ userId: 'u-1', event: 'Order Completed', properties: { revenue: 10, currency: 'usd' } }),
    ]);
    clock.advance(1000);
    await identity.ingest(WS, [
      identify(
        { anonymousId: 'a-2' },
        { name: 'Binh', email: 'b@x.io' },
        { context: { consent: { categoryPreferences: { ads: false } } } },
      ),
      track({ anonymousId: 'a-2' }),
    ]);
    const before = await snapshot(storage, identity);
    const merge = await identity.merge(
      WS,
      { type: 'user_id', value: 'u-1' },
      { type: 'email', value: 'b@x.io' },
    );
    const merged = await identity.getProfile(WS, { type: 'email', value: 'b@x.io' });
    expect(merged?.consent).toEqual({ ads: 'conflict' });
    expect(merged?.eventCounts.total).toBe(4);
    expect(merged?.traits.name).toBe('Binh');
    expect(merged?.traitHistory.name?.map((c) => c.value)).toEqual(['An', 'Binh']);

    const undone = await identity.unmerge(WS, merge.mergeId);
    expect(undone.from.mergedInto).toBeNull();
    expect(await snapshot(storage, identity)).toEqual(before);
    const decisions = await identity.listDecisions(WS, { type: 'email', value: 'b@x.io' });
    expect(decisions.map((d) => [d.kind, d.rule])).toEqual([
      ['merged', 'manual'],
      ['unmerged', 'manual'],
    ]);
    await expect(identity.unmerge(WS, merge.mergeId)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(identity.unmerge(WS, 'no-such-merge')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('undoes a merge an event caused, keeps later changes on the survivor and never re-merges the pair', async () => {
    const { identity, decisions } = setup();
    const anon = await identity.ingest(WS, [identify({ anonymousId: 'a-1' }, { color: 'red' })]);
    const user = await identity.ingest(WS, [identify({ userId: 'u-1' }, { plan: 'free' })]);
    await identity.ingest(WS, [track({ anonymousId: 'a-1', userId: 'u-1' })]);
    const mergeId = decisions.find((d) => d.kind === 'merged')!.mergeId!;
    await identity.ingest(WS, [identify({ userId: 'u-1' }, { plan: 'pro' })]);

    const { into, from } = await identity.unmerge(WS, mergeId);
    expect(into.id).toBe(user.results[0]!.profileId);
    expect(from.id).toBe(anon.results[0]!.profileId);
    expect(into.traits).toEqual({ plan: 'pro' });
    expect(from.traits).toEqual({ color: 'red' });
    expect(keysOf(from)).toEqual(['anonymous_id:a-1']);

    const again = await identity.ingest(WS, [track({ anonymousId: 'a-1', userId: 'u-1' })]);
    expect(again.results[0]!.profileId).toBe(into.id);
    expect(decisions.at(-1)).toMatchObject({
      kind: 'demoted',
      rule: 'unmerged-pair',
      refusedMergeWith: [from.id],
    });
    expect(keysOf(await identity.getProfile(WS, { profileId: from.id }))).toEqual(['anonymous_id:a-1']);
  });

  it('refuses to undo a merge whose survivor was merged again later, until that is undone', async () => {
    const { identity } = setup({ limits: { user_id: { max: 3 } } });
    await identity.ingest(WS, [
      identify({ userId: 'a' }),
      identify({ userId: 'b' }),
      identify({ userId: 'c' }),
    ]);
    const first = await identity.merge(WS, { type: 'user_id', value: 'a' }, { type: 'user_id', value: 'b' });
    const second = await identity.merge(WS, { type: 'user_id', value: 'c' }, { type: 'user_id', value: 'a' });
    await expect(identity.unmerge(WS, first.mergeId)).rejects.toMatchObject({ code: 'CONFLICT' });
    await identity.unmerge(WS, second.mergeId);
    await identity.unmerge(WS, first.mergeId);
    for (const id of ['a', 'b', 'c']) {
      expect(keysOf(await identity.getProfile(WS, { type: 'user_id', value: id }))).toEqual([
        `user_id:${id}`,
      ]);
    }
  });

  it('refuses a manual merge that breaks a limit, recording the refusal', async () => {
    const { identity, decisions } = setup();
    await identity.ingest(WS, [identify({ userId: 'a' }), identify({ userId: 'b' })]);
    const error = await identity
      .merge(WS, { type: 'user_id', value: 'a' }, { type: 'user_id', value: 'b' })
      .catch((e: unknown) => e);
    expect(isCxError(error, 'CONFLICT')).toBe(true);
    expect(decisions).toEqual([
      expect.objectContaining({ kind: 'refused', rule: 'limit', limit: { type: 'user_id', max: 1 } }),
    ]);
  });

  it('property: for random event sequences, merging then unmerging leaves the store as if the merge never happened', async () => {
    const anon = fc.constantFrom('a0', 'a1', 'a2', 'a3');
    const user = fc.constantFrom('u0', 'u1', 'u2');
    const email = fc.constantFrom('e0@x.io', 'e1@x.io', 'e2@x.io');
    const traits = fc.record(
      {
        name: fc.constantFrom('An', 'Binh', 'Chi'),
        plan: fc.constantFrom('free', 'pro', null),
        visits: fc.integer({ min: 0, max: 5 }),
        tags: fc.array(fc.constantFrom('vip', 'new'), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    const consent = fc.option(fc.record({ ads: fc.boolean(), email: fc.boolean() }, { requiredKeys: [] }), {
      nil: undefined,
    });
    const event = fc.record({
      kind: fc.constantFrom('track', 'identify', 'page'),
      anonymousId: fc.option(anon, { nil: undefined }),
      userId: fc.option(user, { nil: undefined }),
      email: fc.option(email, { nil: undefined }),
      traits,
      consent,
      at: fc.integer({ min: 0, max: 10_000 }),
      revenue: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 2, maxLength: 25 }),
        fc.nat(),
        fc.nat(),
        async (events, i, j) => {
          const { identity, storage } = setup({
            limits: { user_id: { max: 3 } },
            traits: { strategies: { visits: 'sum', tags: 'union', name: 'non-empty', plan: 'oldest' } },
          });
          const raw = events.map((e, n) => {
            const ids = {
              ...(e.anonymousId ? { anonymousId: e.anonymousId } : {}),
              ...(e.userId ? { userId: e.userId } : {}),
            };
            if (!e.anonymousId && !e.userId) Object.assign(ids, { anonymousId: `solo-${n}` });
            const base = {
              messageId: `p-${n}`,
              ...ids,
              timestamp: new Date(Date.parse('2026-02-01T00:00:00Z') + e.at * 1000).toISOString(),
              ...(e.consent ? { context: { consent: { categoryPreferences: e.consent } } } : {}),
            };
            if (e.kind === 'identify')
              return {
                ...base,
                type: 'identify',
                traits: { ...e.traits, ...(e.email ? { email: e.email } : {}) },
              };
            if (e.kind === 'page') return { ...base, type: 'page', name: 'Home' };
            return {
              ...base,
              type: 'track',
              event: e.revenue ? 'Order Completed' : 'Viewed',
              properties: { revenue: e.revenue },
            };
          });
          const result = await identity.ingest(WS, raw);
          expect(result.accepted).toBe(raw.length);
          const profiles = (await storage.profiles.list(WS, { limit: 1000 })).items;
          fc.pre(profiles.length >= 2);
          const into = profiles[i % profiles.length]!;
          const from = profiles[(i + 1 + (j % (profiles.length - 1))) % profiles.length]!;
          const before = await snapshot(storage, identity);
          let mergeId: string;
          try {
            mergeId = (await identity.merge(WS, { profileId: into.id }, { profileId: from.id })).mergeId;
          } catch (error) {
            if (isCxError(error, 'CONFLICT')) return; // refused by the user_id limit: nothing to undo
            throw error;
          }
          await identity.unmerge(WS, mergeId);
          expect(await snapshot(storage, identity)).toEqual(before);
        },
      ),
      { numRuns: 100 },
    );
  });
});
