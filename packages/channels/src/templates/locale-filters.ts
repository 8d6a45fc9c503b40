import type { Context, FilterImplOptions } from 'liquidjs';
import type { FormatterCache } from './formatter-cache';

/** The locale, currency and time zone one render formats with. */
export interface FormatSettings {
  /** Canonical BCP 47 locale, such as `vi-VN`. */
  locale: string;
  /** ISO 4217 code in upper case, such as `VND`. */
  currency: string;
  /** IANA time zone, such as `Asia/Ho_Chi_Minh`. */
  timezone: string;
}

/**
 * The Liquid context register that carries a render's {@link FormatSettings}. A register, not a
 * variable: templates cannot read or overwrite it, and two renders in flight never share it.
 */
export const FORMAT_REGISTER = 'cx.format';

/** The names of the locale-aware filters, in the order the docs list them. */
export const LOCALE_FILTER_NAMES = ['money', 'number', 'percent', 'format_date'] as const;

/**
 * A filter was given a value or argument it cannot format (`{{ 'abc' | money }}`). The renderer
 * reports it as an `invalid_filter_input` issue of the field.
 *
 * @example
 * ```ts
 * try { await renderer.render(template, scope); }
 * catch (error) { if (error instanceof TemplateRenderError) console.log(error.issues[0]?.code); }
 * ```
 */
export class FilterInputError extends Error {
  constructor(
    readonly filter: string,
    message: string,
  ) {
    super(`${filter}: ${message}`);
    this.name = 'FilterInputError';
  }
}

type FilterThis = { context: Context };

const DATE_STYLES = ['short', 'medium', 'long', 'full'] as const;
type DateStyle = (typeof DATE_STYLES)[number];
type StyleOrNone = DateStyle | 'none';

/** `YYYY-MM-DD` alone: a calendar date (a birthday, an expiry day), not an instant. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;
const CURRENCY = /^[A-Za-z]{3}$/;

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (value instanceof Date) return 'an invalid date';
  const json = JSON.stringify(value);
  if (json === undefined) return typeof value;
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

function toNumber(filter: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // Traits imported from CSV arrive as strings; a clean numeric string is still a number.
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  throw new FilterInputError(filter, `expected a number, got ${describe(value)}`);
}

function toDigits(filter: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 20) return value;
  throw new FilterInputError(
    filter,
    `fraction digits must be an integer from 0 to 20, got ${describe(value)}`,
  );
}

function toStyle(value: unknown): StyleOrNone {
  if (value === 'none' || (DATE_STYLES as readonly unknown[]).includes(value)) return value as StyleOrNone;
  throw new FilterInputError(
    'format_date',
    `style must be one of short, medium, long, full or none, got ${describe(value)}`,
  );
}

/** A date and whether it is a calendar day (formatted in UTC so no time zone moves it). */
function toDate(value: unknown): { date: Date; calendarDay: boolean } {
  let date: Date | undefined;
  let calendarDay = false;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (typeof value === 'string') {
    calendarDay = value.length === 10 && DATE_ONLY.test(value);
    date = new Date(value);
  }
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new FilterInputError(
      'format_date',
      `expected an ISO date, epoch milliseconds or a Date, got ${describe(value)}`,
    );
  }
  return { date, calendarDay };
}

const MEDIUM_DATE = { date: 'medium', time: 'none' } as const;

/** Reads `format_date: 'long', 'short'` and `format_date: date: 'long', time: 'short'` alike. */
function dateStyles(args: unknown[]): { date: StyleOrNone; time: StyleOrNone } {
  // The common forms (`format_date` and `format_date: 'long'`) skip the argument sorting below.
  if (args.length === 0) return MEDIUM_DATE;
  if (args.length === 1 && typeof args[0] === 'string') return { date: toStyle(args[0]), time: 'none' };
  const positional: unknown[] = [];
  const named: Record<string, unknown> = {};
  for (const arg of args) {
    if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string') named[arg[0]] = arg[1];
    else positional.push(arg);
  }
  for (const key of Object.keys(named)) {
    if (key !== 'date' && key !== 'time')
      throw new FilterInputError('format_date', `unknown option ${key} (use date: or time:)`);
  }
  const date = toStyle(named['date'] ?? positional[0] ?? (named['time'] === undefined ? 'medium' : 'none'));
  const time = toStyle(named['time'] ?? positional[1] ?? 'none');
  if (date === 'none' && time === 'none')
    throw new FilterInputError('format_date', 'date and time cannot both be none');
  return { date, time };
}

/**
 * The locale-aware Liquid filters. Each reads the render's {@link FormatSettings} from the context
 * register {@link FORMAT_REGISTER} (falling back to `fallback`), never from a module global, so
 * concurrent renders for a Vietnamese and an American customer cannot leak into each other.
 *
 * | filter | example | vi-VN, VND, Asia/Ho_Chi_Minh |
 * | --- | --- | --- |
 * | `money` | `{{ 1990000 \| money }}`, `{{ 19.9 \| money: 'USD' }}` | `1.990.000 ₫`, `19,90 US$` |
 * | `number` | `{{ 12500 \| number }}`, `{{ 3.14159 \| number: 2 }}` | `12.500`, `3,14` |
 * | `percent` | `{{ 0.15 \| percent }}`, `{{ 0.155 \| percent: 1 }}` | `15%`, `15,5%` |
 * | `format_date` | `{{ event.timestamp \| format_date: 'long' }}` | `1 tháng 4, 2026` |
 *
 * @example
 * ```ts
 * import { Liquid } from 'liquidjs';
 * const engine = new Liquid();
 * const fallback = { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' };
 * for (const [name, filter] of Object.entries(localeFilters(createFormatterCache(), fallback)))
 *   engine.registerFilter(name, filter);
 * engine.parseAndRenderSync('{{ 1990000 | money }}'); // '1.990.000 ₫'
 * ```
 */
export function localeFilters(
  formatters: FormatterCache,
  fallback: FormatSettings,
): Record<(typeof LOCALE_FILTER_NAMES)[number], FilterImplOptions> {
  const settingsOf = (self: FilterThis): FormatSettings =>
    self.context.getRegister<FormatSettings>(FORMAT_REGISTER, fallback);

  return {
    money(this: FilterThis, value: unknown, currency?: unknown) {
      const amount = toNumber('money', value);
      const settings = settingsOf(this);
      let code = settings.currency;
      if (currency !== undefined) {
        if (typeof currency !== 'string' || !CURRENCY.test(currency))
          throw new FilterInputError(
            'money',
            `currency must be an ISO 4217 code such as 'USD', got ${describe(currency)}`,
          );
        code = currency.toUpperCase();
      }
      // The currency's own minor units come from ICU: VND and JPY have none, USD has two.
      return formatters
        .number(settings.locale, code, () => ({ style: 'currency', currency: code }))
        .format(amount);
    },
    number(this: FilterThis, value: unknown, digits?: unknown) {
      const amount = toNumber('number', value);
      const fixed = toDigits('number', digits);
      const settings = settingsOf(this);
      if (fixed === undefined)
        return formatters.number(settings.locale, 'decimal', () => ({})).format(amount);
      return formatters
        .number(settings.locale, `decimal:${fixed}`, () => ({
          minimumFractionDigits: fixed,
          maximumFractionDigits: fixed,
        }))
        .format(amount);
    },
    percent(this: FilterThis, value: unknown, digits?: unknown) {
      const ratio = toNumber('percent', value);
      const fixed = toDigits('percent', digits) ?? 0;
      const settings = settingsOf(this);
      return formatters
        .number(settings.locale, `percent:${fixed}`, () => ({
          style: 'percent',
          minimumFractionDigits: fixed,
          maximumFractionDigits: fixed,
        }))
        .format(ratio);
    },
    format_date(this: FilterThis, value: unknown, ...args: unknown[]) {
      const { date, calendarDay } = toDate(value);
      const styles = dateStyles(args);
      const settings = settingsOf(this);
      // A bare calendar day is midnight UTC to `Date`; formatting it in UTC keeps the day the
      // author wrote, where the person's zone would move it to the day before in the Americas.
      const timeZone = calendarDay ? 'UTC' : settings.timezone;
      return formatters
        .date(settings.locale, `${styles.date}/${styles.time}/${timeZone}`, () => {
          const options: Intl.DateTimeFormatOptions = { timeZone };
          if (styles.date !== 'none') options.dateStyle = styles.date;
          if (styles.time !== 'none') options.timeStyle = styles.time;
          return options;
        })
        .format(date);
    },
  };
}
