/**
 * Intl formatters by locale and options. Building an `Intl.NumberFormat` or `Intl.DateTimeFormat`
 * costs tens of microseconds (it loads ICU data), far more than formatting with one, so a render
 * that formats a price must not build a new one each time.
 */
export interface FormatterCache {
  /**
   * A number formatter. `key` names the options uniquely (the cache does not serialise them), and
   * `options` is called only when the formatter is built, so a hit allocates nothing.
   */
  number(locale: string, key: string, options: () => Intl.NumberFormatOptions): Intl.NumberFormat;
  /** A date formatter, as {@link FormatterCache.number}. */
  date(locale: string, key: string, options: () => Intl.DateTimeFormatOptions): Intl.DateTimeFormat;
  /** How many formatters are held. */
  readonly size: number;
}

/**
 * Formatters are keyed by values that come from data (a profile's locale and time zone), so the
 * cache is bounded: when full it starts over, which costs a few rebuilds and never grows memory.
 */
const DEFAULT_MAX_FORMATTERS = 1_000;

/**
 * A bounded cache of Intl formatters, shared by the filters of one renderer. Two levels (locale,
 * then options key), so a lookup builds no combined key string.
 *
 * @example
 * ```ts
 * const formatters = createFormatterCache();
 * formatters
 *   .number('vi-VN', 'currency:VND', () => ({ style: 'currency', currency: 'VND' }))
 *   .format(1_990_000); // '1.990.000 ₫' (U+00A0 no-break space before ₫)
 * ```
 */
export function createFormatterCache(maxSize = DEFAULT_MAX_FORMATTERS): FormatterCache {
  const numbers = new Map<string, Map<string, Intl.NumberFormat>>();
  const dates = new Map<string, Map<string, Intl.DateTimeFormat>>();
  let size = 0;

  const lookup = <F>(maps: Map<string, Map<string, F>>, locale: string, key: string, build: () => F): F => {
    let byKey = maps.get(locale);
    const found = byKey?.get(key);
    if (found !== undefined) return found;
    const formatter = build();
    if (size >= maxSize) {
      numbers.clear();
      dates.clear();
      size = 0;
      byKey = undefined;
    }
    if (byKey === undefined) {
      byKey = new Map();
      maps.set(locale, byKey);
    }
    byKey.set(key, formatter);
    size++;
    return formatter;
  };

  return {
    number: (locale, key, options) =>
      lookup(numbers, locale, key, () => new Intl.NumberFormat(locale, options())),
    date: (locale, key, options) =>
      lookup(dates, locale, key, () => new Intl.DateTimeFormat(locale, options())),
    get size() {
      return size;
    },
  };
}
