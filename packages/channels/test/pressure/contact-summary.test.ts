import { isCxError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { contactSummary } from '../../src/pressure';
import { at, sent } from './support';

// Thursday 3 Dec 2026, 12:00Z: 19:00 in Ho Chi Minh City, 07:00 in New York.
const now = at('2026-12-03T12:00:00Z');
const ledger = [
  sent('2026-11-29T20:00:00Z', 'zns', { topic: 'flash-sale' }), // HCM Mon 30 Nov 03:00; NY Sun 29 Nov
  sent('2026-11-30T02:00:00Z', 'email', { topic: 'newsletter' }), // HCM Mon 09:00; NY Sun 21:00
  sent('2026-12-01T10:00:00Z', 'sms', { topic: 'flash-sale' }),
  sent('2026-12-03T03:00:00Z', 'email', { category: 'transactional' }),
  sent('2026-12-06T18:00:00Z', 'zns'), // HCM Mon 7 Dec 01:00 (next week); NY Sun 6 Dec 13:00
];

describe('contactSummary', () => {
  it('counts this week in Ho Chi Minh City', () => {
    expect(contactSummary(ledger, { period: 'week', now, timezone: 'Asia/Ho_Chi_Minh' })).toEqual({
      since: '2026-11-30T00:00:00+07:00',
      until: '2026-12-07T00:00:00+07:00',
      timezone: 'Asia/Ho_Chi_Minh',
      total: 4,
      byChannel: { zns: 1, email: 2, sms: 1 },
      byTopic: { 'flash-sale': 2, newsletter: 1 },
      byCategory: { marketing: 3, transactional: 1 },
    });
  });

  it('counts the same ledger differently for this week in New York', () => {
    expect(contactSummary(ledger, { period: 'week', now, timezone: 'America/New_York' })).toEqual({
      since: '2026-11-30T00:00:00-05:00',
      until: '2026-12-07T00:00:00-05:00',
      timezone: 'America/New_York',
      total: 3,
      byChannel: { sms: 1, email: 1, zns: 1 },
      byTopic: { 'flash-sale': 1 },
      byCategory: { marketing: 2, transactional: 1 },
    });
  });

  it('starts the week on Sunday when asked', () => {
    const summary = contactSummary(ledger, {
      period: 'week',
      now,
      timezone: 'America/New_York',
      weekStartsOn: 0,
    });
    expect(summary.since).toBe('2026-11-29T00:00:00-05:00');
    expect(summary.total).toBe(4);
  });

  it('counts today and the last few days, in UTC by default', () => {
    expect(contactSummary(ledger, { period: 'day', now })).toMatchObject({
      since: '2026-12-03T00:00:00+00:00',
      until: '2026-12-04T00:00:00+00:00',
      timezone: 'UTC',
      total: 1,
    });
    expect(contactSummary(ledger, { period: { days: 4 }, now })).toMatchObject({
      since: '2026-11-30T00:00:00+00:00',
      total: 3,
    });
    expect(contactSummary([], { period: 'day', now })).toMatchObject({
      total: 0,
      byChannel: {},
      byTopic: {},
    });
  });

  it('rejects an unknown zone and a bad period', () => {
    for (const options of [
      { period: 'week' as const, now, timezone: 'Nowhere/Land' },
      { period: { days: 0 }, now },
    ]) {
      try {
        contactSummary(ledger, options);
        expect.unreachable();
      } catch (error) {
        expect(isCxError(error, 'VALIDATION')).toBe(true);
      }
    }
  });
});
