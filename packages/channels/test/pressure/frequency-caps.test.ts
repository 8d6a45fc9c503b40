import { describe, expect, it } from 'vitest';
import { createPressurePolicy, type PressureRule } from '../../src/pressure';
import { at, HOUR, sent, untilIso } from './support';

const HCM = 'Asia/Ho_Chi_Minh';
const NY = 'America/New_York';

describe('calendar-day caps in the person’s time zone', () => {
  // 18:00Z, 02:00Z and 10:00Z are 01:00, 09:00 and 17:00 on 2 Dec in Ho Chi Minh City (UTC+7),
  // but 13:00 and 21:00 on 1 Dec and 05:00 on 2 Dec in New York (UTC−5).
  const ledger = [sent('2026-12-01T18:00:00Z'), sent('2026-12-02T02:00:00Z'), sent('2026-12-02T10:00:00Z')];
  const now = at('2026-12-02T14:00:00Z'); // 21:00 in HCM, 09:00 in New York
  const policy = createPressurePolicy({
    defaultTimezone: HCM,
    rules: [{ id: 'daily', kind: 'cap', max: 3, per: 'day' }],
  });

  it('holds until the next local midnight for the person whose day already has 3', () => {
    const decision = policy.decide(ledger, { channel: 'email', category: 'marketing', timezone: HCM }, now);
    expect(decision).toMatchObject({ action: 'hold', rule: 'daily' });
    expect(untilIso(decision)).toBe('2026-12-02T17:00:00.000Z'); // 3 Dec 00:00 in HCM
    expect(decision.action === 'hold' && decision.reason).toBe(
      "cap 'daily': 3 of 3 marketing messages today (Asia/Ho_Chi_Minh), the next day starts 2026-12-03 00:00",
    );
  });

  it('sends for the person whose local day has only one of them', () => {
    expect(policy.decide(ledger, { channel: 'email', category: 'marketing', timezone: NY }, now)).toEqual({
      action: 'send',
    });
  });

  it('uses the default zone when the person has none, or an unknown one', () => {
    expect(policy.decide(ledger, { channel: 'email', category: 'marketing' }, now).action).toBe('hold');
    const decision = policy.decide(
      ledger,
      { channel: 'email', category: 'marketing', timezone: 'Saigon+7' },
      now,
    );
    expect(decision.action === 'hold' && decision.reason).toContain('(Asia/Ho_Chi_Minh)');
  });

  it('sends again at the `until` it gave', () => {
    const decision = policy.decide(ledger, { channel: 'email', category: 'marketing', timezone: HCM }, now);
    if (decision.action !== 'hold') throw new Error('expected a hold');
    expect(
      policy.decide(ledger, { channel: 'email', category: 'marketing', timezone: HCM }, decision.until),
    ).toEqual({ action: 'send' });
    expect(
      policy.decide(ledger, { channel: 'email', category: 'marketing', timezone: HCM }, decision.until - 1)
        .action,
    ).toBe('hold');
  });
});

describe('calendar-week caps', () => {
  // Tue 1 Dec, Sat 5 Dec and Sun 6 Dec 2026; now is Sunday noon (UTC).
  const ledger = [sent('2026-12-01T10:00:00Z'), sent('2026-12-05T10:00:00Z'), sent('2026-12-06T09:00:00Z')];
  const now = at('2026-12-06T12:00:00Z');
  const rules: PressureRule[] = [{ id: 'weekly-marketing', kind: 'cap', max: 3, per: 'week' }];

  it('counts Monday to Sunday by default (ISO weeks)', () => {
    const decision = createPressurePolicy({ rules }).decide(
      ledger,
      { channel: 'sms', category: 'marketing' },
      now,
    );
    expect(decision).toMatchObject({ action: 'hold', rule: 'weekly-marketing' });
    expect(untilIso(decision)).toBe('2026-12-07T00:00:00.000Z');
    expect(decision.action === 'hold' && decision.reason).toBe(
      "cap 'weekly-marketing': 3 of 3 marketing messages this week (UTC), next week starts 2026-12-07 00:00",
    );
  });

  it('counts from Sunday when weekStartsOn is 0: Sunday is a new week', () => {
    const policy = createPressurePolicy({ rules, weekStartsOn: 0 });
    expect(policy.decide(ledger, { channel: 'sms', category: 'marketing' }, now)).toEqual({ action: 'send' });
    const saturday = at('2026-12-05T12:00:00Z');
    const twoMore = [...ledger.slice(0, 2), sent('2026-11-29T08:00:00Z')]; // Sun 29 Nov, Tue 1, Sat 5
    expect(policy.decide(twoMore, { channel: 'sms', category: 'marketing' }, saturday)).toMatchObject({
      action: 'hold',
      until: at('2026-12-06T00:00:00Z'),
    });
  });

  it('reads the week in the person’s zone (HCM: Sunday 20:00Z is already Monday)', () => {
    const policy = createPressurePolicy({ rules });
    const hcmNow = at('2026-12-06T18:00:00Z'); // Monday 7 Dec 01:00 in HCM
    expect(policy.decide(ledger, { channel: 'sms', category: 'marketing', timezone: HCM }, hcmNow)).toEqual({
      action: 'send',
    });
  });
});

describe('rolling-window caps', () => {
  const now = at('2026-12-02T12:00:00Z');
  const ledger = [
    sent('2026-12-01T11:00:00Z'), // 25 h ago: outside the window
    sent('2026-12-01T13:00:00Z'), // 23 h ago
    sent('2026-12-02T02:00:00Z'), // 10 h ago
    sent('2026-12-02T11:00:00Z'), // 1 h ago
  ];
  const rolling = (max: number) =>
    createPressurePolicy({ rules: [{ id: 'rolling', kind: 'cap', max, per: { hours: 24 } }] });

  it('holds until the oldest counted send leaves the window', () => {
    const decision = rolling(3).decide(ledger, { channel: 'email', category: 'marketing' }, now);
    expect(decision).toMatchObject({ action: 'hold', rule: 'rolling', until: now + 1 * HOUR });
    expect(decision.action === 'hold' && decision.reason).toBe(
      "cap 'rolling': 3 of 3 marketing messages in the last 24 hours, room again at 2026-12-02 13:00 (UTC)",
    );
  });

  it('waits for as many sends to leave as it takes to make room', () => {
    // Three counted, room for two: the two oldest must leave; the second leaves 14 h from now.
    expect(rolling(2).decide(ledger, { channel: 'email', category: 'marketing' }, now)).toMatchObject({
      action: 'hold',
      until: now + 14 * HOUR,
    });
  });

  it('sends while the window has room, in any ledger order', () => {
    expect(
      rolling(4).decide([...ledger].reverse(), { channel: 'email', category: 'marketing' }, now),
    ).toEqual({
      action: 'send',
    });
  });
});

describe('per-channel, cross-channel and per-topic caps', () => {
  const now = at('2026-12-02T12:00:00Z');

  it('caps one channel separately from the cross-channel total', () => {
    const policy = createPressurePolicy({
      rules: [
        { id: 'sms-daily', kind: 'cap', max: 1, per: 'day', channels: ['sms'] },
        { id: 'all-daily', kind: 'cap', max: 2, per: 'day' },
      ],
    });
    const ledger = [sent('2026-12-02T08:00:00Z', 'sms'), sent('2026-12-02T09:00:00Z', 'email')];
    expect(policy.decide(ledger, { channel: 'sms', category: 'marketing' }, now)).toMatchObject({
      action: 'hold',
      rule: 'sms-daily',
    });
    expect(policy.decide(ledger, { channel: 'zns', category: 'marketing' }, now)).toMatchObject({
      action: 'hold',
      rule: 'all-daily',
    });
    const emailsOnly = [sent('2026-12-02T08:00:00Z', 'email')];
    expect(policy.decide(emailsOnly, { channel: 'sms', category: 'marketing' }, now)).toEqual({
      action: 'send',
    });
    expect(policy.decide(emailsOnly, { channel: 'zns', category: 'marketing' }, now)).toEqual({
      action: 'send',
    });
  });

  it('caps a topic, with all listed topics sharing one count', () => {
    const policy = createPressurePolicy({
      rules: [{ id: 'promo-daily', kind: 'cap', max: 1, per: 'day', topics: ['flash-sale', 'clearance'] }],
    });
    const ledger = [
      sent('2026-12-02T08:00:00Z', 'zns', { topic: 'clearance' }),
      sent('2026-12-02T09:00:00Z', 'zns', { topic: 'newsletter' }),
      sent('2026-12-02T10:00:00Z', 'email'),
    ];
    expect(
      policy.decide(ledger, { channel: 'email', topic: 'flash-sale', category: 'marketing' }, now),
    ).toMatchObject({ action: 'hold', rule: 'promo-daily' });
    expect(
      policy.decide(ledger, { channel: 'email', topic: 'newsletter', category: 'marketing' }, now),
    ).toEqual({
      action: 'send',
    });
    expect(policy.decide(ledger, { channel: 'email', category: 'marketing' }, now)).toEqual({
      action: 'send',
    });
  });
});

describe('categories, actions and rule order', () => {
  const now = at('2026-12-02T12:00:00Z');
  const full = [sent('2026-12-02T08:00:00Z'), sent('2026-12-02T09:00:00Z')];

  it('exempts transactional messages, and does not count them', () => {
    const policy = createPressurePolicy({ rules: [{ id: 'daily', kind: 'cap', max: 2, per: 'day' }] });
    expect(policy.decide(full, { channel: 'email', category: 'transactional' }, now)).toEqual({
      action: 'send',
    });
    const receipts = [
      sent('2026-12-02T08:00:00Z', 'email', { category: 'transactional' }),
      sent('2026-12-02T09:00:00Z', 'email', { category: 'transactional' }),
    ];
    expect(policy.decide(receipts, { channel: 'email', category: 'marketing' }, now)).toEqual({
      action: 'send',
    });
  });

  it('caps transactional messages when a rule lists them', () => {
    const policy = createPressurePolicy({
      rules: [
        { id: 'all-mail', kind: 'cap', max: 2, per: 'day', categories: ['marketing', 'transactional'] },
      ],
    });
    expect(policy.decide(full, { channel: 'email', category: 'transactional' }, now)).toMatchObject({
      action: 'hold',
      rule: 'all-mail',
    });
  });

  it('drops with action drop, naming the rule, and never holds on max 0', () => {
    const policy = createPressurePolicy({
      rules: [
        { id: 'no-sms', kind: 'cap', max: 0, per: 'day', channels: ['sms'] },
        { id: 'daily', kind: 'cap', max: 2, per: 'day', action: 'drop' },
      ],
    });
    const drop = policy.decide(full, { channel: 'email', category: 'marketing' }, now);
    expect(drop).toEqual({
      action: 'drop',
      rule: 'daily',
      reason: "cap 'daily': 2 of 2 marketing messages today (UTC)",
    });
    expect(policy.decide([], { channel: 'sms', category: 'marketing' }, now)).toMatchObject({
      action: 'drop',
      rule: 'no-sms',
    });
  });

  it('lets the first blocking cap in rule order decide, and holds past the others', () => {
    // Thursday 3 Dec: 2 today (daily full) and 3 this week (weekly full).
    const ledger = [sent('2026-11-30T08:00:00Z'), sent('2026-12-03T08:00:00Z'), sent('2026-12-03T09:00:00Z')];
    const thursday = at('2026-12-03T12:00:00Z');
    const policy = createPressurePolicy({
      rules: [
        { id: 'daily', kind: 'cap', max: 2, per: 'day' },
        { id: 'weekly', kind: 'cap', max: 3, per: 'week' },
      ],
    });
    const decision = policy.decide(ledger, { channel: 'email', category: 'marketing' }, thursday);
    expect(decision).toMatchObject({ action: 'hold', rule: 'daily', until: at('2026-12-07T00:00:00Z') });
    expect(decision.action === 'hold' && decision.reason).toContain(
      "; then held by 'weekly' until 2026-12-07 00:00 (UTC)",
    );
  });
});
