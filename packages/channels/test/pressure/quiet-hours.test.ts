import { describe, expect, it } from 'vitest';
import { createPressurePolicy, type PressureRequest, type QuietHoursRule } from '../../src/pressure';
import { at, sent, untilIso } from './support';

const HCM = 'Asia/Ho_Chi_Minh';
const NY = 'America/New_York';
const night: QuietHoursRule = {
  id: 'night',
  kind: 'quiet-hours',
  from: '21:00',
  to: '08:00',
  action: 'hold',
};
const zns = (timezone = HCM): PressureRequest => ({ channel: 'zns', category: 'marketing', timezone });

describe('quiet hours wrapping midnight (21:00–08:00, Asia/Ho_Chi_Minh)', () => {
  const policy = createPressurePolicy({ rules: [night] });

  it('holds a message at 22:30 local until 08:00 local the next day', () => {
    const decision = policy.decide([], zns(), at('2026-12-02T15:30:00Z'));
    expect(decision).toEqual({
      action: 'hold',
      until: at('2026-12-03T01:00:00Z'),
      rule: 'night',
      reason:
        "quiet hours 'night' (21:00–08:00 Asia/Ho_Chi_Minh): 22:30 local is inside a quiet period for marketing messages, until 2026-12-03 08:00",
    });
  });

  it('is quiet from 21:00 up to, not including, 08:00', () => {
    expect(policy.decide([], zns(), at('2026-12-02T13:59:00Z')).action).toBe('send'); // 20:59
    expect(untilIso(policy.decide([], zns(), at('2026-12-02T14:00:00Z')))).toBe('2026-12-03T01:00:00.000Z'); // 21:00
    expect(untilIso(policy.decide([], zns(), at('2026-12-03T00:59:00Z')))).toBe('2026-12-03T01:00:00.000Z'); // 07:59
    expect(policy.decide([], zns(), at('2026-12-03T01:00:00Z')).action).toBe('send'); // 08:00
  });

  it('drops instead with action drop, naming the rule', () => {
    const dropping = createPressurePolicy({ rules: [{ ...night, action: 'drop' }] });
    expect(dropping.decide([], zns(), at('2026-12-02T15:30:00Z'))).toMatchObject({
      action: 'drop',
      rule: 'night',
    });
  });

  it('lets transactional messages and unlisted channels through', () => {
    expect(policy.decide([], { ...zns(), category: 'transactional' }, at('2026-12-02T15:30:00Z'))).toEqual({
      action: 'send',
    });
    const smsOnly = createPressurePolicy({ rules: [{ ...night, channels: ['sms'] }] });
    expect(smsOnly.decide([], zns(), at('2026-12-02T15:30:00Z'))).toEqual({ action: 'send' });
    expect(smsOnly.decide([], { ...zns(), channel: 'sms' }, at('2026-12-02T15:30:00Z')).action).toBe('hold');
  });

  it('is checked before caps, wherever it is listed', () => {
    const policy = createPressurePolicy({
      defaultTimezone: HCM,
      rules: [{ id: 'daily', kind: 'cap', max: 1, per: 'day', action: 'drop' }, night],
    });
    const decision = policy.decide([sent('2026-12-02T02:00:00Z')], zns(), at('2026-12-02T15:30:00Z'));
    expect(decision).toMatchObject({ action: 'hold', rule: 'night' });
  });
});

describe('quiet hours on some weekdays only', () => {
  // Quiet periods start on Friday (5) and Saturday (6) nights; 4 Dec 2026 is a Friday.
  const weekendNights: QuietHoursRule = { ...night, days: [5, 6] };
  const policy = createPressurePolicy({ defaultTimezone: HCM, rules: [weekendNights] });
  const cases: [string, string, string | undefined][] = [
    ['Thursday 22:00', '2026-12-03T15:00:00Z', undefined],
    ['Friday 22:00', '2026-12-04T15:00:00Z', '2026-12-05T01:00:00.000Z'],
    ['Saturday 03:00 (started Friday)', '2026-12-04T20:00:00Z', '2026-12-05T01:00:00.000Z'],
    ['Sunday 03:00 (started Saturday)', '2026-12-05T20:00:00Z', '2026-12-06T01:00:00.000Z'],
    ['Sunday 22:00', '2026-12-06T15:00:00Z', undefined],
    ['Monday 03:00 (would have started Sunday)', '2026-12-06T20:00:00Z', undefined],
  ];
  it.each(cases)('%s', (_label, now, until) => {
    expect(untilIso(policy.decide([], zns(), at(now)))).toBe(until);
  });

  it('supports a daytime window and a whole quiet day (from = to)', () => {
    const lunch = createPressurePolicy({
      defaultTimezone: HCM,
      rules: [{ id: 'lunch', kind: 'quiet-hours', from: '12:00', to: '13:30', action: 'hold' }],
    });
    expect(untilIso(lunch.decide([], zns(), at('2026-12-02T05:45:00Z')))).toBe('2026-12-02T06:30:00.000Z');
    const sundays = createPressurePolicy({
      defaultTimezone: HCM,
      rules: [{ id: 'sunday', kind: 'quiet-hours', from: '00:00', to: '00:00', days: [0], action: 'hold' }],
    });
    expect(untilIso(sundays.decide([], zns(), at('2026-12-06T05:00:00Z')))).toBe('2026-12-06T17:00:00.000Z');
    expect(sundays.decide([], zns(), at('2026-12-05T16:59:00Z')).action).toBe('send'); // Saturday 23:59
  });
});

describe('quiet hours across DST changes (America/New_York)', () => {
  const policy = createPressurePolicy({ rules: [night] });

  it('ends at 08:00 EDT on the night clocks spring forward', () => {
    // Saturday 7 March 22:00 EST; the night is 10 hours long, not 11.
    expect(untilIso(policy.decide([], zns(NY), at('2026-03-08T03:00:00Z')))).toBe('2026-03-08T12:00:00.000Z');
    expect(untilIso(policy.decide([], zns(NY), at('2026-03-08T11:30:00Z')))).toBe('2026-03-08T12:00:00.000Z');
  });

  it('ends at 08:00 EST on the night clocks fall back', () => {
    // Saturday 31 October 22:00 EDT; the night is 12 hours long.
    expect(untilIso(policy.decide([], zns(NY), at('2026-11-01T02:00:00Z')))).toBe('2026-11-01T13:00:00.000Z');
  });

  it('moves an end that falls in the skipped hour to just after the jump', () => {
    const late = createPressurePolicy({
      rules: [{ id: 'late', kind: 'quiet-hours', from: '22:00', to: '02:30', action: 'hold' }],
    });
    // 02:30 on 8 March does not exist in New York: the period ends at 03:30 EDT.
    expect(untilIso(late.decide([], zns(NY), at('2026-03-08T04:00:00Z')))).toBe('2026-03-08T07:30:00.000Z');
  });
});

describe('holds that would end inside quiet hours', () => {
  it('moves a daily cap’s midnight to the end of the quiet period', () => {
    const policy = createPressurePolicy({
      defaultTimezone: HCM,
      rules: [night, { id: 'daily', kind: 'cap', max: 2, per: 'day' }],
    });
    const ledger = [sent('2026-12-02T01:30:00Z'), sent('2026-12-02T04:00:00Z')]; // 08:30 and 11:00 local
    const decision = policy.decide(ledger, zns(), at('2026-12-02T08:00:00Z')); // 15:00 local
    expect(decision).toMatchObject({ action: 'hold', rule: 'daily', until: at('2026-12-03T01:00:00Z') });
    expect(decision.action === 'hold' && decision.reason).toBe(
      "cap 'daily': 2 of 2 marketing messages today (Asia/Ho_Chi_Minh), the next day starts 2026-12-03 00:00; then held by 'night' until 2026-12-03 08:00 (Asia/Ho_Chi_Minh)",
    );
  });

  it('moves a rolling window’s end past quiet hours that drop', () => {
    const policy = createPressurePolicy({
      defaultTimezone: HCM,
      rules: [
        { ...night, action: 'drop' },
        { id: 'rolling', kind: 'cap', max: 1, per: { hours: 12 } },
      ],
    });
    // Sent 12:00 local; room again at 00:00, inside the quiet night, so the hold runs to 08:00.
    const decision = policy.decide([sent('2026-12-02T05:00:00Z')], zns(), at('2026-12-02T10:00:00Z'));
    expect(decision).toMatchObject({ action: 'hold', rule: 'rolling', until: at('2026-12-03T01:00:00Z') });
  });

  it('follows quiet → full week → quiet to the first free moment', () => {
    const policy = createPressurePolicy({
      defaultTimezone: HCM,
      rules: [night, { id: 'weekly', kind: 'cap', max: 2, per: 'week' }],
    });
    const ledger = [sent('2026-11-30T03:00:00Z'), sent('2026-12-01T03:00:00Z')]; // Mon and Tue, 10:00 local
    // Wednesday 22:30: quiet until Thursday 08:00, but the week is full until Monday 00:00,
    // which is quiet until 08:00.
    const decision = policy.decide(ledger, zns(), at('2026-12-02T15:30:00Z'));
    expect(decision).toMatchObject({ action: 'hold', rule: 'night', until: at('2026-12-07T01:00:00Z') });
    expect(decision.action === 'hold' && decision.reason).toContain("then held by 'weekly', 'night'");
  });
});

describe('rules that leave no time to send', () => {
  it('drops rather than holding for ever when quiet hours cover the whole day between them', () => {
    const policy = createPressurePolicy({
      defaultTimezone: HCM,
      rules: [night, { id: 'day', kind: 'quiet-hours', from: '07:00', to: '22:00', action: 'hold' }],
    });
    const decision = policy.decide([], zns(), at('2026-12-02T15:30:00Z'));
    expect(decision).toMatchObject({ action: 'drop', rule: 'night' });
    expect(decision.action === 'drop' && decision.reason).toMatch(/no time to send it within a year$/);
  });

  it('drops a held message that a max-0 cap would block after the hold', () => {
    const policy = createPressurePolicy({
      defaultTimezone: HCM,
      rules: [night, { id: 'no-zns', kind: 'cap', max: 0, per: 'week', channels: ['zns'] }],
    });
    expect(policy.decide([], zns(), at('2026-12-02T15:30:00Z'))).toMatchObject({
      action: 'drop',
      rule: 'no-zns',
    });
  });
});
