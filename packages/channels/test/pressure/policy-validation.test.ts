import { isCxError, type ValidationError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createPressurePolicy, type PressurePolicyInput } from '../../src/pressure';

function issuesOf(input: unknown): { path: string; code: string; message: string }[] {
  try {
    createPressurePolicy(input as PressurePolicyInput);
  } catch (error) {
    if (!isCxError(error, 'VALIDATION')) throw error;
    return [...(error as ValidationError).issues];
  }
  throw new Error('expected a ValidationError');
}

describe('createPressurePolicy validation', () => {
  it('lists every problem, each with its path', () => {
    const issues = issuesOf({
      defaultTimezone: 'Asia/Saigon_City',
      weekStartsOn: 2,
      rules: [
        { id: 'night', kind: 'quiet-hours', from: '9:00 PM', to: '24:00', days: [7], action: 'hold' },
        { id: 'daily', kind: 'cap', max: -1, per: 'day' },
        { id: 'daily', kind: 'cap', max: 1.5, per: { hours: 0 }, channels: ['fax'] },
        { id: 'typo', kind: 'cap', max: 1, per: 'month', catgories: ['marketing'] },
        { id: 'what', kind: 'snooze' },
      ],
    });
    const paths = issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'defaultTimezone',
        'weekStartsOn',
        'rules[0].from',
        'rules[0].to',
        'rules[0].days[0]',
        'rules[1].max',
        'rules[2].id',
        'rules[2].max',
        'rules[2].per.hours',
        'rules[2].channels[0]',
        'rules[3].per',
        'rules[3]',
        'rules[4].kind',
      ]),
    );
    expect(issues.find((issue) => issue.path === 'rules[2].id')?.message).toBe(
      "Duplicate rule id 'daily' (first used by rules[1])",
    );
    expect(issues.find((issue) => issue.path === 'defaultTimezone')?.message).toMatch(/time zone/);
  });

  it('reports duplicate ids even when the rest is valid', () => {
    const issues = issuesOf({
      rules: [
        { id: 'cap', kind: 'cap', max: 1, per: 'day' },
        { id: 'cap', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'drop' },
      ],
    });
    expect(issues).toEqual([expect.objectContaining({ path: 'rules[1].id', code: 'custom' })]);
  });

  it('names the paths in the error message too', () => {
    expect(() => createPressurePolicy({ rules: [{ id: 'x', kind: 'cap', max: -1, per: 'day' }] })).toThrow(
      /Invalid pressure policy: rules\[0\]\.max/,
    );
  });

  it('accepts a valid policy and keeps its rules', () => {
    const input: PressurePolicyInput = {
      defaultTimezone: 'Asia/Ho_Chi_Minh',
      weekStartsOn: 0,
      rules: [
        { id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', days: [0, 6], action: 'hold' },
        {
          id: 'weekly',
          kind: 'cap',
          max: 0,
          per: 'week',
          channels: ['sms'],
          topics: ['promo'],
          action: 'drop',
        },
        {
          id: 'rolling',
          kind: 'cap',
          max: 3,
          per: { hours: 36 },
          categories: ['marketing', 'transactional'],
        },
      ],
    };
    expect(createPressurePolicy(input).rules).toEqual(input.rules);
    expect(
      createPressurePolicy({ rules: [] }).decide([], { channel: 'sms', category: 'marketing' }, 0),
    ).toEqual({
      action: 'send',
    });
  });

  it('rejects a `now` that is not a time', () => {
    const policy = createPressurePolicy({ rules: [] });
    try {
      policy.decide([], { channel: 'sms', category: 'marketing' }, Number.NaN);
      expect.unreachable();
    } catch (error) {
      expect(isCxError(error, 'VALIDATION')).toBe(true);
    }
  });
});
