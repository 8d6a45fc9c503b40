import type { Condition } from '@cx/core/conditions';
import { journeyEntrySchema } from './entry-schemas';
import type { JourneyEntry } from './journey-types';

/** What an instance can count on having from its entry. */
export interface EntryProvides {
  /** The entry, as parsed. */
  entry: JourneyEntry;
  /** Correlation key names the instance holds (`cartId`). */
  correlationKeys: ReadonlySet<string>;
  /** Top-level entry properties every instance has (`productName`). */
  properties: ReadonlySet<string>;
}

/**
 * Properties a condition requires to be present: the attribute paths at its top level or under
 * `$and`, by their first step. Paths under `$or`, `$nor` or `$not` are left out (some other branch
 * may hold without them), and so are tests that pass on a missing value (`$exists: false`,
 * `null`, `$ne`, `$nin`, `$not`, ...).
 */
function requiredProperties(condition: Condition | undefined, into: Set<string>): void {
  if (condition === undefined) return;
  for (const [key, value] of Object.entries(condition)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) requiredProperties(part as Condition, into);
    } else if (!key.startsWith('$') && requiresPresence(value)) {
      into.add(key.split('.')[0] as string);
    }
  }
}

/** Operators that can hold on a missing value (read as `null`, which `<` compares as 0). */
const PASS_ON_MISSING = new Set(['$ne', '$nin', '$nini', '$nei', '$not', '$type', '$vne', '$lt', '$lte']);

function requiresPresence(test: unknown): boolean {
  if (test === null) return false;
  if (typeof test !== 'object' || Array.isArray(test)) return true;
  const operators = Object.entries(test as Record<string, unknown>);
  if (!operators.every(([op]) => op.startsWith('$'))) return true; // an object literal to equal
  return operators.some(
    ([op, operand]) => !PASS_ON_MISSING.has(op) && !(op === '$exists' && operand !== true),
  );
}

/**
 * What the entry provides to the rest of the journey:
 * - correlation keys: `entry.correlation` of an event or API entry (none for segment and schedule
 *   entries, which carry no event);
 * - entry properties: those the event entry's `where` requires to be present
 *   (`{ productName: { $exists: true } }`), `scheduledFor` and `segmentId` for a schedule entry,
 *   and the keys of `sampleEntry` when given. Correlation
 *   keys do not count: an entry event without one still enters (without that key), so only a
 *   `where` guarantees a property.
 *
 * `undefined` when the entry itself does not validate (its own issues say why).
 *
 * @example
 * ```ts
 * entryProvides({ type: 'event', event: 'Cart Updated', where: { total: { $gt: 0 } }, correlation: ['cartId'] });
 * // { correlationKeys: Set { 'cartId' }, properties: Set { 'total' }, … }
 * ```
 */
export function entryProvides(
  entry: unknown,
  sampleEntry?: Record<string, unknown>,
): EntryProvides | undefined {
  const parsed = journeyEntrySchema.safeParse(entry);
  if (!parsed.success) return undefined;
  const value = parsed.data;
  const correlationKeys = new Set(
    value.type === 'event' || value.type === 'api' ? (value.correlation ?? []) : [],
  );
  const properties = new Set<string>();
  if (value.type === 'event') requiredProperties(value.where, properties);
  // The runtime enters a schedule's members with the occurrence and the segment.
  if (value.type === 'schedule') for (const key of ['scheduledFor', 'segmentId']) properties.add(key);
  for (const key of Object.keys(sampleEntry ?? {})) properties.add(key);
  return { entry: value, correlationKeys, properties };
}
