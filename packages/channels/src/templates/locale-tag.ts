/** Canonical forms of the tags seen so far: `Intl.getCanonicalLocales` is too slow to call per render. */
const canonical = new Map<string, string | null>();
/** Bounds the memo: locales come from profile data, so an attacker could send endless new ones. */
const MAX_MEMO = 2_000;

/**
 * The canonical BCP 47 form of `tag` (`vi-vn` and `vi_VN` both give `vi-VN`), or `null` when it is
 * not a well-formed language tag. Underscores are accepted because POSIX-style locales (`vi_VN`)
 * are common in imported profile data.
 *
 * @example
 * ```ts
 * canonicalLocale('vi_vn'); // 'vi-VN'
 * canonicalLocale('not a locale'); // null
 * ```
 */
export function canonicalLocale(tag: string): string | null {
  const known = canonical.get(tag);
  if (known !== undefined) return known;
  let result: string | null;
  try {
    result = Intl.getCanonicalLocales(tag.replaceAll('_', '-'))[0] ?? null;
  } catch {
    result = null;
  }
  if (canonical.size >= MAX_MEMO) canonical.clear();
  canonical.set(tag, result);
  return result;
}

/**
 * The language subtag of a canonical locale: `vi` for `vi-VN`, `zh` for `zh-Hant-TW`.
 *
 * @example
 * ```ts
 * languageOf('vi-VN'); // 'vi'
 * ```
 */
export function languageOf(locale: string): string {
  const dash = locale.indexOf('-');
  return dash === -1 ? locale : locale.slice(0, dash);
}
