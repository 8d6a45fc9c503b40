/*
 * Times in conditions. The date operators (`$before`, `$after`, `$between`, `$withinLast`,
 * `$notWithinLast`) read an attribute as an instant in epoch milliseconds. The accepted string
 * form is deliberately narrower than `Date.parse`, which reads `2026-01-31T09:00` in the local
 * time zone of whichever machine evaluates it and rolls `2026-02-30` over into March: a segment
 * must select the same people on every server and in SQL (@cx/segments compiles these
 * operators to SQLite and PostgreSQL with exactly this grammar).
 */

/** Units of `$withinLast`/`$notWithinLast` windows. */
export const WITHIN_UNITS = ['minutes', 'hours', 'days', 'weeks'] as const;

/** One window unit. */
export type WithinUnit = (typeof WITHIN_UNITS)[number];

/**
 * Milliseconds per window unit. A day is always 24 hours (times are UTC). Months and years are
 * left out on purpose: their length varies, so "within the last month" has no single meaning;
 * write `{ amount: 30, unit: 'days' }` instead.
 */
export const WITHIN_UNITS_MS: Readonly<Record<WithinUnit, number>> = Object.freeze({
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
});

/** The operand of `$withinLast` and `$notWithinLast`: a window ending now. */
export interface WithinWindow {
  /** How many units; finite and greater than zero. */
  amount: number;
  unit: WithinUnit;
}

// Date, then optional time with seconds, optional fraction and a required zone.
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2})))?$/;

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`), in
 * integer arithmetic only, so SQL can compute the same number.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parseIsoTime(text: string): number | undefined {
  const match = ISO_TIME.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (match[4] === undefined) return ms;
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  ms += hour * 3_600_000 + minute * 60_000 + second * 1000;
  // Digits past the millisecond are cut off, as `Date.parse` does.
  if (match[7] !== undefined) ms += Number(`${match[7]}00`.slice(0, 3));
  if (match[8] !== undefined) {
    const offsetHour = Number(match[9]);
    const offsetMinute = Number(match[10]);
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    const offset = (offsetHour * 60 + offsetMinute) * 60_000;
    ms += match[8] === '+' ? -offset : offset;
  }
  return ms;
}

/**
 * Reads a condition time: a finite number is epoch milliseconds; a string must be ISO 8601 in
 * one of two shapes:
 *
 * - `YYYY-MM-DD`, midnight UTC;
 * - `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with a zone (a time without one would depend on
 *   the evaluating machine's time zone); digits past the millisecond are cut off.
 *
 * Years run from 0001 to 9999, days must exist (`2026-02-30` is refused, where `Date.parse`
 * rolls it over), hours 00–23, minutes and seconds 00–59. Anything else gives `undefined`.
 *
 * @example
 * ```ts
 * parseConditionTime('2026-01-31'); // 1769817600000
 * parseConditionTime('2026-01-31T09:00:00+07:00'); // 1769824800000
 * parseConditionTime(1769817600000); // 1769817600000
 * parseConditionTime('31/01/2026'); // undefined
 * ```
 */
export function parseConditionTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseIsoTime(value);
  return undefined;
}

/**
 * The length in milliseconds of a `$withinLast`/`$notWithinLast` operand, or `undefined` when
 * it is not `{ amount, unit }` with a finite amount greater than zero and a known unit.
 */
export function withinWindowMs(operand: unknown): number | undefined {
  if (typeof operand !== 'object' || operand === null || Array.isArray(operand)) return undefined;
  const { amount, unit } = operand as { amount?: unknown; unit?: unknown };
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) return undefined;
  if (typeof unit !== 'string' || !Object.hasOwn(WITHIN_UNITS_MS, unit)) return undefined;
  return amount * WITHIN_UNITS_MS[unit as WithinUnit];
}

/** The `[from, to]` of a `$between` operand as epoch milliseconds, or `undefined` when malformed. */
export function betweenRange(operand: unknown): readonly [from: number, to: number] | undefined {
  if (!Array.isArray(operand) || operand.length !== 2) return undefined;
  const from = parseConditionTime(operand[0]);
  const to = parseConditionTime(operand[1]);
  return from === undefined || to === undefined ? undefined : [from, to];
}
