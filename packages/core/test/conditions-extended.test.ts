import { isCxError, type ValidationError } from '@cx/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CONDITION_OPERATORS,
  type Condition,
  CX_CONDITION_OPERATORS,
  compileCondition,
  conditionTimeBoundary,
  evalCondition,
  findConditionIssues,
  GROWTHBOOK_CONDITION_OPERATORS,
  parseCondition,
  parseConditionTime,
  WITHIN_UNITS_MS,
} from '../src/conditions';

/*
 * cx's operators beyond GrowthBook's: strings ($contains, $startsWith, $endsWith, their `i`
 * forms, $eqi, $nei) and times ($before, $after, $between, $withinLast, $notWithinLast).
 */

const NOW = Date.parse('2026-03-15T12:00:00.000Z');
const DAY = 86_400_000;
const at = (condition: Condition, attributes: Record<string, unknown>, now = NOW) =>
  evalCondition(attributes, condition, {}, now);

function issuesOf(input: unknown): string[] {
  try {
    parseCondition(input);
  } catch (error) {
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    return (error as ValidationError).issues.map((issue) => `${issue.path}:${issue.code}:${issue.message}`);
  }
  throw new Error('expected a ValidationError');
}

describe('the operator lists', () => {
  it('keeps GrowthBook operators and cx operators apart and lists both', () => {
    expect(CONDITION_OPERATORS).toEqual([...GROWTHBOOK_CONDITION_OPERATORS, ...CX_CONDITION_OPERATORS]);
    for (const op of CX_CONDITION_OPERATORS) expect(GROWTHBOOK_CONDITION_OPERATORS).not.toContain(op);
  });
});

describe('string operators', () => {
  const cases: [Condition, unknown, boolean][] = [
    [{ $contains: 'pro' }, 'Enterprise pro plan', true],
    [{ $contains: 'Pro' }, 'Enterprise pro plan', false],
    [{ $containsi: 'PRO' }, 'Enterprise pro plan', true],
    [{ $contains: '' }, 'anything', true],
    [{ $contains: '' }, '', true],
    [{ $startsWith: 'acme' }, 'acme.io', true],
    [{ $startsWith: 'ACME' }, 'acme.io', false],
    [{ $startsWithi: 'ACME' }, 'Acme.io', true],
    [{ $startsWith: 'acme.io!' }, 'acme.io', false],
    [{ $endsWith: '@acme.io' }, 'an@acme.io', true],
    [{ $endsWith: '@ACME.IO' }, 'an@acme.io', false],
    [{ $endsWithi: '@ACME.IO' }, 'An@Acme.IO', true],
    [{ $endsWith: 'x' }, '', false],
    [{ $eqi: 'vn' }, 'VN', true],
    [{ $eqi: 'vn' }, 'VNM', false],
    [{ $nei: 'vn' }, 'VN', false],
    [{ $nei: 'vn' }, 'TH', true],
    // Case folding is toLowerCase: İ lower-cases to i + U+0307, the Kelvin sign to k.
    [{ $containsi: 'istanbul' }, 'İSTANBUL', false],
    [{ $startsWithi: 'i' }, 'İstanbul', true],
    [{ $eqi: 'k' }, '\u212a', true],
    [{ $eqi: 'ĐÀ NẴNG' }, 'đà nẵng', true],
  ];
  it.each(cases)('%j on %j is %s', (operators, value, expected) => {
    expect(at({ a: operators }, { a: value })).toBe(expected);
  });

  it('never matches an attribute that is not a string, except $nei', () => {
    for (const value of [5, 0, true, false, null, undefined, ['pro'], { pro: 1 }]) {
      const attributes = value === undefined ? {} : { a: value };
      for (const op of [
        '$contains',
        '$containsi',
        '$startsWith',
        '$startsWithi',
        '$endsWith',
        '$endsWithi',
        '$eqi',
      ]) {
        expect(at({ a: { [op]: String(value) } }, attributes), `${op} ${JSON.stringify(value)}`).toBe(false);
        expect(at({ a: { [op]: '' } }, attributes), `${op} '' ${JSON.stringify(value)}`).toBe(false);
      }
      expect(at({ a: { $nei: String(value) } }, attributes)).toBe(true);
    }
  });

  it('matches nobody when the operand is not a string (the lenient reading)', () => {
    expect(at({ a: { $contains: 5 } }, { a: '5' })).toBe(false);
    expect(at({ a: { $eqi: null } }, { a: 'null' })).toBe(false);
    expect(at({ a: { $nei: 5 } }, { a: 'x' })).toBe(false);
  });

  it('follows dotted paths and combines with other operators', () => {
    const condition = { 'company.domain': { $endsWithi: '.VN', $nei: 'spam.vn' } };
    expect(at(condition, { company: { domain: 'Shop.vn' } })).toBe(true);
    expect(at(condition, { company: { domain: 'SPAM.VN' } })).toBe(false);
    expect(at(condition, { company: {} })).toBe(false);
  });
});

describe('parseConditionTime', () => {
  it('reads epoch milliseconds and the two ISO shapes', () => {
    expect(parseConditionTime(1_769_817_600_000)).toBe(1_769_817_600_000);
    expect(parseConditionTime(-1.5)).toBe(-1.5);
    expect(parseConditionTime('2026-01-31')).toBe(Date.UTC(2026, 0, 31));
    expect(parseConditionTime('2026-01-31T09:00:00Z')).toBe(Date.UTC(2026, 0, 31, 9));
    expect(parseConditionTime('2026-01-31T09:00:00+07:00')).toBe(Date.UTC(2026, 0, 31, 2));
    expect(parseConditionTime('2026-01-31T09:00:00-02:30')).toBe(Date.UTC(2026, 0, 31, 11, 30));
    expect(parseConditionTime('2026-01-31T09:00:00.5Z')).toBe(Date.UTC(2026, 0, 31, 9, 0, 0, 500));
    expect(parseConditionTime('2026-01-31T09:00:00.123987Z')).toBe(Date.UTC(2026, 0, 31, 9, 0, 0, 123));
    expect(parseConditionTime('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseConditionTime('0001-01-01')).toBe(Date.parse('0001-01-01T00:00:00Z'));
    expect(parseConditionTime('9999-12-31T23:59:59.999Z')).toBe(Date.parse('9999-12-31T23:59:59.999Z'));
  });

  it('refuses everything else', () => {
    const refused = [
      '2026-02-29', // not a leap year (Date.parse rolls it over to March 1)
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '0000-01-01',
      '2026-01-31T09:00:00', // no zone: would depend on the machine's time zone
      '2026-01-31T09:00Z', // no seconds
      '2026-01-31T24:00:00Z',
      '2026-01-31T09:60:00Z',
      '2026-01-31T09:00:60Z',
      '2026-01-31T09:00:00.Z',
      '2026-01-31t09:00:00z',
      '2026-01-31 09:00:00Z',
      '2026-01-31T09:00:00+0700',
      '2026-01-31T09:00:00+07:60',
      ' 2026-01-31',
      '+002026-01-31',
      '31/01/2026',
      '1769817600000',
      '',
    ];
    for (const value of refused) expect(parseConditionTime(value), value).toBeUndefined();
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, null, undefined, true, [0], {}, new Date(0)]) {
      expect(parseConditionTime(value)).toBeUndefined();
    }
  });

  it('agrees with Date.parse on every string it accepts', () => {
    const offset = fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([sign, h, m]) => `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
    );
    const fraction = fc.oneof(fc.constant(''), fc.stringMatching(/^\.[0-9]{1,7}$/));
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('0001-01-02T00:00:00Z'), max: Date.parse('9999-12-30T00:00:00Z') }),
        offset,
        fraction,
        fc.boolean(),
        (ms, zone, digits, dateOnly) => {
          const iso = new Date(ms).toISOString();
          const text = dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 19)}${digits}${zone}`;
          expect(parseConditionTime(text)).toBe(Date.parse(text));
        },
      ),
      { numRuns: 3000, seed: 42 },
    );
  });
});

describe('$before, $after, $between', () => {
  const t = '2026-01-31T09:00:00Z';
  const ms = Date.parse(t);

  it('compares strictly, reading ISO strings and epoch numbers on both sides', () => {
    expect(at({ d: { $before: t } }, { d: ms - 1 })).toBe(true);
    expect(at({ d: { $before: t } }, { d: ms })).toBe(false);
    expect(at({ d: { $before: ms } }, { d: '2026-01-31T08:59:59.999Z' })).toBe(true);
    expect(at({ d: { $before: ms } }, { d: '2026-01-31T16:00:00+07:00' })).toBe(false);
    expect(at({ d: { $after: t } }, { d: ms + 1 })).toBe(true);
    expect(at({ d: { $after: t } }, { d: t })).toBe(false);
    expect(at({ d: { $after: '2026-01-31' } }, { d: '2026-01-31T00:00:00.001Z' })).toBe(true);
  });

  it('takes $between from inclusive and to exclusive', () => {
    const condition = { d: { $between: ['2026-01-01', '2026-02-01'] } };
    expect(at(condition, { d: '2026-01-01' })).toBe(true);
    expect(at(condition, { d: Date.UTC(2026, 0, 15) })).toBe(true);
    expect(at(condition, { d: '2026-01-31T23:59:59.999Z' })).toBe(true);
    expect(at(condition, { d: '2026-02-01' })).toBe(false);
    expect(at(condition, { d: '2025-12-31T23:59:59.999Z' })).toBe(false);
    expect(at({ d: { $between: [ms, ms] } }, { d: ms })).toBe(false);
  });

  it('never matches a missing or unparseable attribute, nor with a bad operand', () => {
    for (const value of [null, undefined, 'soon', '2026-02-30', true, [ms], { ms }, Number.NaN]) {
      const attributes = value === undefined ? {} : { d: value };
      expect(at({ d: { $before: '9999-01-01' } }, attributes)).toBe(false);
      expect(at({ d: { $after: 0 } }, attributes)).toBe(false);
      expect(at({ d: { $between: [0, '9999-01-01'] } }, attributes)).toBe(false);
      expect(at({ d: { $not: { $before: '9999-01-01' } } }, attributes)).toBe(true);
    }
    expect(at({ d: { $before: 'tomorrow' } }, { d: 0 })).toBe(false);
    expect(at({ d: { $between: [0] } }, { d: 0 })).toBe(false);
    expect(at({ d: { $between: [0, 'x'] } }, { d: 0 })).toBe(false);
  });
});

describe('$withinLast and $notWithinLast', () => {
  afterEach(() => vi.useRealTimers());
  const week = { amount: 7, unit: 'days' } as const;

  it('is inclusive at both ends of the window: now − window ≤ time ≤ now', () => {
    const condition = { seen: { $withinLast: week } };
    expect(at(condition, { seen: NOW })).toBe(true);
    expect(at(condition, { seen: NOW - 7 * DAY })).toBe(true);
    expect(at(condition, { seen: NOW - 7 * DAY - 1 })).toBe(false);
    expect(at(condition, { seen: NOW + 1 })).toBe(false); // the future is not "the last 7 days"
    expect(at(condition, { seen: new Date(NOW - DAY).toISOString() })).toBe(true);
    expect(at(condition, { seen: '2026-03-08' })).toBe(false); // midnight, 7.5 days before noon
    expect(at(condition, { seen: '2026-03-08T12:00:00Z' })).toBe(true);
  });

  it('$notWithinLast means "more than N ago": strictly before the window, never for missing dates', () => {
    const condition = { seen: { $notWithinLast: week } };
    expect(at(condition, { seen: NOW - 7 * DAY - 1 })).toBe(true);
    expect(at(condition, { seen: NOW - 7 * DAY })).toBe(false);
    expect(at(condition, { seen: NOW })).toBe(false);
    expect(at(condition, { seen: NOW + DAY })).toBe(false);
    expect(at(condition, {})).toBe(false);
    expect(at(condition, { seen: 'long ago' })).toBe(false);
  });

  it('knows minutes, hours, days and weeks, and fractional amounts', () => {
    for (const [unit, size] of Object.entries(WITHIN_UNITS_MS)) {
      expect(at({ s: { $withinLast: { amount: 2, unit } } }, { s: NOW - 2 * size })).toBe(true);
      expect(at({ s: { $withinLast: { amount: 2, unit } } }, { s: NOW - 2 * size - 1 })).toBe(false);
    }
    expect(WITHIN_UNITS_MS).toEqual({ minutes: 60_000, hours: 3_600_000, days: DAY, weeks: 7 * DAY });
    expect(at({ s: { $withinLast: { amount: 1.5, unit: 'hours' } } }, { s: NOW - 90 * 60_000 })).toBe(true);
  });

  it('matches nobody with a bad window (the lenient reading)', () => {
    for (const operand of [
      { amount: 0, unit: 'days' },
      { amount: -1, unit: 'days' },
      { amount: 1, unit: 'months' },
      { amount: '1', unit: 'days' },
      { amount: Number.POSITIVE_INFINITY, unit: 'days' },
      7,
      null,
    ]) {
      expect(at({ s: { $withinLast: operand } }, { s: NOW })).toBe(false);
      expect(at({ s: { $notWithinLast: operand } }, { s: 0 })).toBe(false);
    }
  });

  it('measures from the injected now, or Date.now() read at each call', () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    const test = compileCondition({ seen: { $withinLast: { amount: 1, unit: 'hours' } } });
    const seen = NOW - 30 * 60_000;
    expect(test({ seen })).toBe(true);
    expect(test({ seen }, undefined, NOW + 2 * 3_600_000)).toBe(false);
    vi.setSystemTime(NOW + 31 * 60_000);
    expect(test({ seen })).toBe(false);
    expect(evalCondition({ seen }, { seen: { $withinLast: { amount: 1, unit: 'hours' } } })).toBe(false);
    expect(evalCondition({ seen }, { seen: { $withinLast: { amount: 1, unit: 'hours' } } }, {}, NOW)).toBe(
      true,
    );
  });

  it('passes now through logical operators, $elemMatch and condition saved groups', () => {
    const recent = { $withinLast: { amount: 1, unit: 'days' } };
    const attributes = { a: NOW - 1000, orders: [{ at: NOW - 2 * DAY }, { at: NOW - 3600_000 }] };
    expect(at({ $or: [{ x: 1 }, { a: recent }] }, attributes)).toBe(true);
    expect(at({ $not: { a: recent } }, attributes)).toBe(false);
    expect(at({ $nor: [{ a: recent }] }, attributes)).toBe(false);
    expect(at({ orders: { $elemMatch: { at: recent } } }, attributes)).toBe(true);
    expect(at({ orders: { $elemMatch: { at: recent } } }, attributes, NOW + DAY)).toBe(false);
    const groups = { active: { type: 'condition' as const, condition: { a: recent } } };
    const test = compileCondition({ $savedGroup: { id: 'active' } });
    expect(test(attributes, groups, NOW)).toBe(true);
    expect(test(attributes, groups, NOW + 2 * DAY)).toBe(false);
  });
});

describe('the strict validator', () => {
  it('accepts every new operator with a well-typed operand', () => {
    const condition = {
      s: {
        $contains: 'a',
        $containsi: 'b',
        $startsWith: '',
        $startsWithi: 'c',
        $endsWith: 'd',
        $endsWithi: 'e',
      },
      e: { $eqi: 'x', $nei: 'y' },
      d: { $before: '2026-01-31', $after: 0, $between: ['2026-01-01T00:00:00Z', 1_800_000_000_000] },
      w: { $withinLast: { amount: 7, unit: 'days' }, $notWithinLast: { amount: 0.5, unit: 'hours' } },
      $or: [{ x: { $withinLast: { amount: 1, unit: 'weeks' } } }, { y: { $not: { $eqi: 'z' } } }],
    };
    expect(findConditionIssues(condition)).toEqual([]);
    expect(parseCondition({ d: { $between: [5, 5] } })).toEqual({ d: { $between: [5, 5] } });
  });

  it('refuses a window amount of zero or less with a clear message at the operator path', () => {
    expect(issuesOf({ signedUpAt: { $withinLast: { amount: -1, unit: 'days' } } })).toEqual([
      'signedUpAt.$withinLast:invalid_operand:$withinLast.amount must be a number greater than 0, got -1',
    ]);
    expect(issuesOf({ $and: [{ seen: { $notWithinLast: { amount: 0, unit: 'hours' } } }] })).toEqual([
      '$and[0].seen.$notWithinLast:invalid_operand:$notWithinLast.amount must be a number greater than 0, got 0',
    ]);
    expect(() => parseCondition({ signedUpAt: { $withinLast: { amount: -1, unit: 'days' } } })).toThrow(
      'Invalid condition: signedUpAt.$withinLast: $withinLast.amount must be a number greater than 0, got -1',
    );
  });

  it('names what is wrong with each operand', () => {
    expect(issuesOf({ a: { $withinLast: { amount: 1, unit: 'months' } } })).toEqual([
      'a.$withinLast:invalid_operand:$withinLast.unit must be one of minutes, hours, days, weeks, got "months" (months and years vary in length: use days)',
    ]);
    expect(issuesOf({ a: { $withinLast: { amount: 1, unit: 'dayz' } } })).toEqual([
      'a.$withinLast:invalid_operand:$withinLast.unit must be one of minutes, hours, days, weeks, got "dayz"',
    ]);
    expect(issuesOf({ a: { $withinLast: 7 } })).toEqual([
      'a.$withinLast:invalid_operand:$withinLast takes { amount, unit } with amount > 0 and unit one of minutes, hours, days, weeks',
    ]);
    expect(issuesOf({ a: { $notWithinLast: { amount: 1, unit: 'days', ago: true } } })).toEqual([
      'a.$notWithinLast:invalid_operand:$notWithinLast takes { amount, unit } with amount > 0 and unit one of minutes, hours, days, weeks; unexpected ago',
    ]);
    expect(issuesOf({ a: { $withinLast: { amount: Number.NaN, unit: 'days' } } })).toHaveLength(1);
    expect(issuesOf({ a: { $contains: 5 } })).toEqual([
      'a.$contains:invalid_operand:$contains takes a string',
    ]);
    expect(issuesOf({ a: { $nei: null } })).toEqual(['a.$nei:invalid_operand:$nei takes a string']);
    expect(issuesOf({ a: { $before: '2026-02-30' } })).toEqual([
      'a.$before:invalid_operand:$before takes a time: an ISO 8601 date (2026-01-31), date-time with a zone (2026-01-31T09:00:00Z) or epoch milliseconds, got "2026-02-30"',
    ]);
    expect(issuesOf({ a: { $after: true } })[0]).toMatch(/^a\.\$after:invalid_operand:\$after takes a time/);
    expect(issuesOf({ a: { $between: '2026' } })).toEqual([
      'a.$between:invalid_operand:$between takes [from, to]: two times, from inclusive, to exclusive',
    ]);
    expect(issuesOf({ a: { $between: [1, 2, 3] } })).toHaveLength(1);
    expect(issuesOf({ a: { $between: ['x', 2] } })[0]).toMatch(/\$between's from must be a time/);
    expect(issuesOf({ a: { $between: [1, 'y'] } })[0]).toMatch(/\$between's to must be a time/);
    expect(issuesOf({ a: { $between: ['2026-02-01', '2026-01-01'] } })).toEqual([
      'a.$between:invalid_operand:$between\'s from ("2026-02-01") is after its to ("2026-01-01")',
    ]);
  });

  it('still refuses unknown operators next to the new ones', () => {
    expect(issuesOf({ a: { $containz: 'x', $contains: 'x' } })).toEqual([
      'a.$containz:unknown_operator:Unknown operator $containz',
    ]);
    expect(issuesOf({ a: { $withinNext: { amount: 1, unit: 'days' } } })).toHaveLength(1);
  });
});

describe('conditionTimeBoundary', () => {
  const hours = (amount: number) => ({ $withinLast: { amount, unit: 'hours' } });

  it('is when a time leaves a $withinLast window: the first millisecond after time + window', () => {
    const seen = NOW - 3_600_000;
    const condition = { seen: hours(2) };
    const boundary = conditionTimeBoundary(condition, { seen }, NOW);
    expect(boundary).toBe(seen + 2 * 3_600_000 + 1);
    const test = compileCondition(condition);
    expect(test({ seen }, {}, (boundary as number) - 1)).toBe(true);
    expect(test({ seen }, {}, boundary)).toBe(false);
    expect(conditionTimeBoundary(condition, { seen: new Date(seen).toISOString() }, NOW)).toBe(boundary);
  });

  it('is when a future time enters the window, and then when it leaves', () => {
    const seen = NOW + 1000;
    const condition = { seen: hours(1) };
    expect(conditionTimeBoundary(condition, { seen }, NOW)).toBe(seen);
    expect(evalCondition({ seen }, condition, {}, seen)).toBe(true);
    expect(conditionTimeBoundary(condition, { seen }, seen)).toBe(seen + 3_600_000 + 1);
  });

  it('is when $notWithinLast becomes true', () => {
    const seen = NOW - DAY;
    const condition = { seen: { $notWithinLast: { amount: 2, unit: 'days' } } };
    const boundary = conditionTimeBoundary(condition, { seen }, NOW) as number;
    expect(boundary).toBe(seen + 2 * DAY + 1);
    expect(evalCondition({ seen }, condition, {}, boundary - 1)).toBe(false);
    expect(evalCondition({ seen }, condition, {}, boundary)).toBe(true);
    expect(conditionTimeBoundary(condition, { seen }, boundary)).toBeUndefined();
  });

  it('is undefined without time-relative operators, without a valid time, or once every window has passed', () => {
    expect(conditionTimeBoundary({ a: 1, d: { $before: NOW + DAY } }, { a: 1, d: NOW }, NOW)).toBeUndefined();
    expect(conditionTimeBoundary({ d: hours(1) }, {}, NOW)).toBeUndefined();
    expect(conditionTimeBoundary({ d: hours(1) }, { d: 'yesterday' }, NOW)).toBeUndefined();
    expect(
      conditionTimeBoundary({ d: { $withinLast: { amount: -1, unit: 'hours' } } }, { d: NOW }, NOW),
    ).toBeUndefined();
    expect(conditionTimeBoundary({ d: hours(1) }, { d: NOW - 2 * 3_600_000 }, NOW)).toBeUndefined();
    expect(conditionTimeBoundary({}, {}, NOW)).toBeUndefined();
  });

  it('walks $and, $or, $nor, $not, value $not, $elemMatch and saved groups, taking the earliest', () => {
    const a = NOW - 1000;
    const b = NOW - 2000;
    const attributes = {
      a,
      b,
      c: { d: NOW - 3000 },
      list: [{ at: NOW - 4000 }, { at: NOW - 500 }],
      times: [NOW - 600],
    };
    const inHours = (attribute: number, amount: number) => attribute + amount * 3_600_000 + 1;
    expect(conditionTimeBoundary({ $and: [{ a: hours(5) }, { b: hours(3) }] }, attributes, NOW)).toBe(
      inHours(b, 3),
    );
    expect(conditionTimeBoundary({ $or: [{ x: 1 }, { a: hours(1) }] }, attributes, NOW)).toBe(inHours(a, 1));
    expect(conditionTimeBoundary({ $nor: [{ 'c.d': hours(1) }] }, attributes, NOW)).toBe(
      inHours(NOW - 3000, 1),
    );
    expect(conditionTimeBoundary({ $not: { a: hours(2) } }, attributes, NOW)).toBe(inHours(a, 2));
    expect(conditionTimeBoundary({ a: { $not: hours(2) } }, attributes, NOW)).toBe(inHours(a, 2));
    expect(conditionTimeBoundary({ list: { $elemMatch: { at: hours(1) } } }, attributes, NOW)).toBe(
      inHours(NOW - 4000, 1),
    );
    expect(conditionTimeBoundary({ times: { $elemMatch: hours(1) } }, attributes, NOW)).toBe(
      inHours(NOW - 600, 1),
    );
    const groups = { g: { type: 'condition' as const, condition: { a: hours(4) } } };
    expect(conditionTimeBoundary({ $savedGroup: { id: 'g' } }, attributes, NOW, groups)).toBe(inHours(a, 4));
    expect(conditionTimeBoundary({ $savedGroup: { id: 'g' } }, attributes, NOW)).toBeUndefined();
  });

  it('gives instants at which the compiled condition really changes (property)', () => {
    const time = fc.integer({ min: NOW - 10 * DAY, max: NOW + 2 * DAY });
    const window = fc.record({
      amount: fc.integer({ min: 1, max: 72 }),
      unit: fc.constantFrom('hours', 'days'),
    });
    fc.assert(
      fc.property(time, window, fc.constantFrom('$withinLast', '$notWithinLast'), (seen, operand, op) => {
        const condition = { seen: { [op]: operand } };
        const test = compileCondition(condition);
        const boundary = conditionTimeBoundary(condition, { seen }, NOW);
        if (boundary === undefined) {
          // Nothing changes any more: the result far in the future is today's.
          expect(test({ seen }, {}, NOW + 1000 * DAY)).toBe(test({ seen }, {}, NOW));
          return;
        }
        expect(boundary).toBeGreaterThan(NOW);
        expect(test({ seen }, {}, boundary)).not.toBe(test({ seen }, {}, boundary - 1));
        expect(test({ seen }, {}, boundary - 1)).toBe(test({ seen }, {}, NOW));
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
