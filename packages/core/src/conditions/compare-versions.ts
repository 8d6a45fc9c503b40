/**
 * Turns a version into a string that compares correctly with `<` and `>`, exactly as
 * GrowthBook's `paddedVersionString` does: a leading `v` and `+build` metadata are dropped,
 * numeric parts are left-padded to five characters, and a release without a pre-release tag
 * gets a trailing `~` (the largest printable ASCII character), so `1.0.0` sorts after
 * `1.0.0-beta`. Anything that is not a non-empty string or a number reads as `0`.
 *
 * @example
 * ```ts
 * paddedVersionString('v1.2.3') > paddedVersionString('1.2.3-rc.1'); // true
 * paddedVersionString('1.10.0') > paddedVersionString('1.9.0'); // true
 * ```
 */
export function paddedVersionString(input: unknown): string {
  if (typeof input === 'string' && input !== '') {
    const cached = paddedCache.get(input);
    if (cached !== undefined) return cached;
    const padded = padVersion(input);
    // Version attributes take few distinct values (app versions in the wild), so a small
    // cache makes `$v*` operators nearly free; it is dropped whole when full to stay bounded.
    if (paddedCache.size >= PADDED_CACHE_LIMIT) paddedCache.clear();
    paddedCache.set(input, padded);
    return padded;
  }
  return padVersion(input);
}

const PADDED_CACHE_LIMIT = 4096;
const paddedCache = new Map<string, string>();

function padVersion(input: unknown): string {
  let text: string = typeof input === 'number' ? String(input) : (input as string);
  if (!text || typeof text !== 'string') text = '0';
  const parts = text.replace(/(^v|\+.*$)/g, '').split(/[-.]/);
  if (parts.length === 3) parts.push('~');
  return parts.map((part) => (/^[0-9]+$/.test(part) ? part.padStart(5, ' ') : part)).join('-');
}

/**
 * Compares two versions the way the `$v*` operators do: negative when `a < b`, zero when equal,
 * positive when `a > b`.
 *
 * @example
 * ```ts
 * compareVersions('2.0.0', '10.0.0') < 0; // true
 * ```
 */
export function compareVersions(a: unknown, b: unknown): number {
  const left = paddedVersionString(a);
  const right = paddedVersionString(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
