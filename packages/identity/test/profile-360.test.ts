import { describe, expect, it } from 'vitest';
import { normalizeIdentifierValue } from '../src';
import { identify, setup, track, WS } from './helpers';

const at = (s: number) => new Date(Date.parse('2026-02-01T00:00:00Z') + s * 1000).toISOString();
const consent = (prefs: Record<string, boolean>) => ({
  context: { consent: { categoryPreferences: prefs } },
});

describe('profiles and the 360° view', () => {
  it('counts events, sums revenue from Order Completed and lists recent events', async () => {
    const { identity } = setup({ recentEvents: 2 });
    await identity.ingest(WS, [
      track({ userId: 'u-1', timestamp: at(1) }, { event: 'Product Viewed' }),
      track(
        { userId: 'u-1', timestamp: at(2) },
        { event: 'Order Completed', properties: { revenue: 120000, currency: 'vnd' } },
      ),
      track(
        { userId: 'u-1', timestamp: at(3) },
        { event: 'Order Completed', properties: { total: 5, currency: 'USD' } },
      ),
      { type: 'page', userId: 'u-1', name: 'Home', timestamp: at(4) },
    ]);
    const profile = await identity.getProfile(WS, { type: 'user_id', value: 'u-1' });
    expect(profile).toMatchObject({
      firstSeen: at(1),
      lastSeen: at(4),
      eventCounts: {
        total: 4,
        byType: { track: 3, page: 1 },
        byName: { 'Product Viewed': 1, 'Order Completed': 2 },
      },
      revenue: { total: 120005, orders: 2, byCurrency: { VND: 120000, USD: 5 } },
      suppressed: false,
    });
    expect(profile?.recentEvents.map((e) => e.timestamp)).toEqual([at(4), at(3)]);
  });

  it('runs registered extensions and refuses duplicate names', async () => {
    const { identity } = setup();
    identity.registerProfileExtension('segments', async (ws, profile) => ({
      ws,
      member: profile.eventCounts.total > 0,
    }));
    expect(() => identity.registerProfileExtension('segments', async () => null)).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    expect(() => identity.registerProfileExtension('Bad Name', async () => null)).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    await identity.ingest(WS, [track({ userId: 'u-1' })]);
    const profile = await identity.getProfile(WS, { type: 'user_id', value: 'u-1' });
    expect(profile?.extensions).toEqual({ segments: { ws: WS, member: true } });
  });

  it('latest trait wins by event time, not arrival, and keeps a history with sources', async () => {
    const { identity } = setup();
    await identity.ingest(WS, [
      identify(
        { userId: 'u-1' },
        { city: 'Hà Nội' },
        { timestamp: at(10), context: { library: { name: 'web' } } },
      ),
    ]);
    await identity.ingest(WS, [
      identify(
        { userId: 'u-1' },
        { city: 'Huế' },
        { timestamp: at(5), context: { library: { name: 'pos' } } },
      ),
    ]);
    await identity.ingest(WS, [
      identify(
        { userId: 'u-1' },
        { city: 'Đà Nẵng' },
        { timestamp: at(20), context: { library: { name: 'app' } } },
      ),
    ]);
    const profile = await identity.getProfile(WS, { type: 'user_id', value: 'u-1' });
    expect(profile?.traits.city).toBe('Đà Nẵng');
    expect(profile?.traitHistory.city).toEqual([
      { value: 'Hà Nội', at: at(10), source: 'web' },
      { value: 'Đà Nẵng', at: at(20), source: 'app' },
    ]);
  });

  it('applies oldest, non-empty, sum, union and source-priority strategies', async () => {
    const { identity } = setup({
      traits: {
        strategies: {
          signupDate: 'oldest',
          nickname: 'non-empty',
          points: 'sum',
          tags: 'union',
          tier: { strategy: 'source-priority', sources: ['crm', 'web'] },
        },
      },
    });
    const lib = (name: string) => ({ context: { library: { name } } });
    await identity.ingest(WS, [
      identify(
        { userId: 'u-1' },
        { signupDate: '2025-05-01', nickname: 'Bee', points: 10, tags: ['vip'], tier: 'gold' },
        { timestamp: at(1), ...lib('crm') },
      ),
      identify(
        { userId: 'u-1' },
        { signupDate: '2026-01-01', nickname: '', points: 5, tags: ['new', 'vip'], tier: 'bronze' },
        { timestamp: at(2), ...lib('web') },
      ),
    ]);
    const profile = await identity.getProfile(WS, { type: 'user_id', value: 'u-1' });
    expect(profile?.traits).toEqual({
      signupDate: '2025-05-01',
      nickname: 'Bee',
      points: 15,
      tags: ['vip', 'new'],
      tier: 'gold',
    });
  });

  it('merges traits by strategy and consent to conflict where the people disagree', async () => {
    const { identity } = setup({ traits: { strategies: { points: 'sum' } } });
    await identity.ingest(WS, [
      identify(
        { anonymousId: 'a-1' },
        { points: 3, name: 'Old' },
        { timestamp: at(1), ...consent({ ads: true, email: true }) },
      ),
      identify(
        { userId: 'u-1' },
        { points: 4, name: 'New' },
        { timestamp: at(2), ...consent({ ads: false, sms: true }) },
      ),
    ]);
    await identity.ingest(WS, [track({ anonymousId: 'a-1', userId: 'u-1', timestamp: at(3) })]);
    const merged = await identity.getProfile(WS, { type: 'user_id', value: 'u-1' });
    expect(merged?.traits).toEqual({ points: 7, name: 'New' });
    expect(merged?.consent).toEqual({ ads: 'conflict', email: true, sms: true });
    // A newer signal settles the conflict; an older one does not.
    await identity.ingest(WS, [track({ userId: 'u-1', timestamp: at(1) }, consent({ ads: true }))]);
    expect((await identity.getProfile(WS, { type: 'user_id', value: 'u-1' }))?.consent.ads).toBe('conflict');
    await identity.ingest(WS, [track({ userId: 'u-1', timestamp: at(9) }, consent({ ads: false }))]);
    expect((await identity.getProfile(WS, { type: 'user_id', value: 'u-1' }))?.consent.ads).toBe(false);
  });

  it('normalises emails and phone numbers (E.164 with a default region)', async () => {
    const email = { type: 'email', source: 'trait', normalize: 'email' } as const;
    const phone = { type: 'phone', source: 'trait', normalize: 'phone' } as const;
    expect(normalizeIdentifierValue('  An.Nguyen@Example.VN ', email)).toBe('an.nguyen@example.vn');
    expect(normalizeIdentifierValue('no-at-sign', email)).toBeNull();
    expect(normalizeIdentifierValue('0912 345 678', phone, 'VN')).toBe('+84912345678');
    expect(normalizeIdentifierValue('+84 912-345-678', phone)).toBe('+84912345678');
    expect(normalizeIdentifierValue(84912345678, phone, 'VN')).toBe('+84912345678');
    expect(normalizeIdentifierValue('12', phone, 'VN')).toBeNull();
    expect(normalizeIdentifierValue({}, phone, 'VN')).toBeNull();
    const { identity } = setup({ phoneRegion: 'VN' });
    await identity.ingest(WS, [identify({ userId: 'u-1' }, { phone: '091 234 5678' })]);
    expect((await identity.getProfile(WS, { type: 'phone', value: '0912345678' }))?.id).toBeDefined();
    expect(await identity.getProfile(WS, { type: 'email', value: 'nobody@x.io' })).toBeNull();
  });
});
