import { parseAttributePath, readAttributePath } from '@cx/core/conditions';

/**
 * A value as a correlation key: strings as they are, finite numbers and booleans as their text,
 * anything else (missing, `null`, objects) as `undefined`. Both sides of a comparison go through
 * it, so an entry's `cartId: 42` matches a later event's `cartId: '42'` (ids cross JSON, SDKs and
 * SQL and lose their type on the way) while a missing key never matches a missing key.
 *
 * @example
 * ```ts
 * correlationValue(42); // '42'
 * correlationValue(null); // undefined
 * ```
 */
export function correlationValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The correlation keys of an instance, read from its entry properties. A name may be a dot path
 * (`cart.id`); the key keeps the name as written. Keys the entry lacks are left out, so a goal
 * correlated on them never matches (rather than matching every event that lacks them too).
 *
 * @example
 * ```ts
 * extractCorrelation({ cartId: 'c1', total: 30 }, ['cartId']); // { cartId: 'c1' }
 * ```
 */
export function extractCorrelation(
  properties: Record<string, unknown>,
  names: readonly string[] | undefined,
): Record<string, string> {
  const correlation: Record<string, string> = {};
  for (const name of names ?? []) {
    const value = correlationValue(readAttributePath(properties, parseAttributePath(name)));
    if (value !== undefined) correlation[name] = value;
  }
  return correlation;
}

/**
 * True when an event carries every correlation pair of a match: for each `[property, key]` of
 * `correlate`, the event's `property` (a dot path) equals the instance's correlation `key`.
 *
 * @example
 * ```ts
 * correlates({ orderCartId: 'cartId' }, { orderCartId: 'c1' }, { cartId: 'c1' }); // true
 * correlates({ cartId: 'cartId' }, { cartId: 'c2' }, { cartId: 'c1' }); // false
 * ```
 */
export function correlates(
  correlate: Readonly<Record<string, string>> | undefined,
  properties: Record<string, unknown>,
  correlation: Readonly<Record<string, string>>,
): boolean {
  if (correlate === undefined) return true;
  for (const [property, key] of Object.entries(correlate)) {
    const expected = correlation[key];
    if (expected === undefined) return false;
    if (correlationValue(readAttributePath(properties, parseAttributePath(property))) !== expected)
      return false;
  }
  return true;
}
