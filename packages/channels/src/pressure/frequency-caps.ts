import type { ChannelKind, MessageCategory } from '../contract/channel-kind';
import { formatWall, HOUR_MS, type LocalZone } from './local-time';
import type { FrequencyCapRule, LedgerEntry } from './pressure-rules';

/**
 * A {@link FrequencyCapRule} prepared for fast checks: filters as sets and flags, the period as
 * a tag and the words for reasons built once.
 *
 * @example
 * ```ts
 * const daily = compileCap({ id: 'daily', kind: 'cap', max: 2, per: 'day' });
 * daily.period; // 'day'
 * ```
 */
export interface CompiledCap {
  readonly rule: FrequencyCapRule;
  readonly id: string;
  readonly max: number;
  readonly action: 'hold' | 'drop';
  readonly period: 'day' | 'week' | 'rolling';
  /** Length of a rolling window in ms; 0 for calendar periods. */
  readonly windowMs: number;
  readonly channels: ReadonlySet<ChannelKind> | undefined;
  readonly topics: ReadonlySet<string> | undefined;
  readonly marketing: boolean;
  readonly transactional: boolean;
  /** `marketing messages on sms about promo`, for reasons. */
  readonly what: string;
}

/**
 * Prepares a validated frequency cap.
 *
 * @example
 * ```ts
 * const rolling = compileCap({ id: 'rolling', kind: 'cap', max: 3, per: { hours: 24 } });
 * rolling.windowMs; // 86_400_000
 * ```
 */
export function compileCap(rule: FrequencyCapRule): CompiledCap {
  const categories = rule.categories ?? ['marketing'];
  const per = rule.per;
  const on = rule.channels === undefined ? '' : ` on ${rule.channels.join(', ')}`;
  const about = rule.topics === undefined ? '' : ` about ${rule.topics.join(', ')}`;
  return {
    rule,
    id: rule.id,
    max: rule.max,
    action: rule.action ?? 'hold',
    period: typeof per === 'object' ? 'rolling' : per,
    windowMs: typeof per === 'object' ? per.hours * HOUR_MS : 0,
    channels: rule.channels === undefined ? undefined : new Set(rule.channels),
    topics: rule.topics === undefined ? undefined : new Set(rule.topics),
    marketing: categories.includes('marketing'),
    transactional: categories.includes('transactional'),
    what: `${categories.join(' or ')} messages${on}${about}`,
  };
}

/**
 * True when the cap counts (and so limits) a message with these attributes. Used both for the
 * message being decided and for each ledger entry.
 *
 * @example
 * ```ts
 * capCovers(daily, 'email', undefined, 'transactional'); // false: exempt unless listed
 * ```
 */
export function capCovers(
  cap: CompiledCap,
  channel: ChannelKind,
  topic: string | undefined,
  category: MessageCategory,
): boolean {
  if (category === 'marketing' ? !cap.marketing : !cap.transactional) return false;
  if (cap.channels !== undefined && !cap.channels.has(channel)) return false;
  return cap.topics === undefined || (topic !== undefined && cap.topics.has(topic));
}

/**
 * Counts matching entries in the calendar period `[start, end)`, stopping at `limit` (the caller
 * only needs to know whether the cap is reached, and most ledgers are mostly outside the period).
 */
function countBetween(
  cap: CompiledCap,
  entries: readonly LedgerEntry[],
  start: number,
  end: number,
  limit: number,
): number {
  let count = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const at = entry.at;
    // The time test first: it is the cheapest and rejects most of a typical ledger.
    if (at < start || at >= end) continue;
    if (!capCovers(cap, entry.channel, entry.topic, entry.category)) continue;
    if (++count >= limit) return count;
  }
  return count;
}

/**
 * When the cap is reached at `instant`, the instant it stops being reached if nothing more is
 * sent: the end of the calendar period, or when the oldest counted send leaves the rolling
 * window; `Infinity` for `max: 0`. `undefined` when the cap still has room.
 *
 * Entries later than `instant` count too (as sent): a ledger written by machines with slightly
 * different clocks must not let an extra message through.
 *
 * @example
 * ```ts
 * capReleaseAt(daily, localZone('Asia/Ho_Chi_Minh')!, 1, entries, now); // next local midnight, or undefined
 * ```
 */
export function capReleaseAt(
  cap: CompiledCap,
  zone: LocalZone,
  weekStartsOn: 0 | 1,
  entries: readonly LedgerEntry[],
  instant: number,
): number | undefined {
  if (cap.max === 0) return Number.POSITIVE_INFINITY;
  if (cap.period === 'rolling') {
    const since = instant - cap.windowMs;
    if (countAfter(cap, entries, since, cap.max) < cap.max) return undefined;
    // With n sends counted, n - max + 1 of the oldest must leave the window (t - window, t]
    // before one more fits; the last of those leaves at its own time + window.
    return latestCounted(cap, entries, since, cap.max).time + cap.windowMs;
  }
  const period = cap.period === 'day' ? zone.day(instant) : zone.week(instant, weekStartsOn);
  return countBetween(cap, entries, period.start, period.end, cap.max) >= cap.max ? period.end : undefined;
}

/** Counts matching entries later than `since` (a rolling window), stopping at `limit`. */
function countAfter(cap: CompiledCap, entries: readonly LedgerEntry[], since: number, limit: number): number {
  let count = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.at <= since) continue;
    if (!capCovers(cap, entry.channel, entry.topic, entry.category)) continue;
    if (++count >= limit) return count;
  }
  return count;
}

// Reused between calls: a hold needs the times of the counted sends, and allocating and sorting a
// fresh array was most of the cost of a rolling-cap hold.
let scratch = new Float64Array(64);

/**
 * The `rank`-th latest (1 = latest) time among the matching entries after `since` (NaN when
 * fewer), and how many match. Keeps only the `rank` latest in a reused buffer, sorted newest
 * first: `rank` is a cap's `max`, small, and a ledger read newest first then costs one comparison
 * per entry. Large ranks sort everything once instead.
 */
function latestCounted(
  cap: CompiledCap,
  entries: readonly LedgerEntry[],
  since: number,
  rank: number,
): { count: number; time: number } {
  const large = rank > 32;
  const needed = large ? entries.length : rank;
  if (scratch.length < needed) scratch = new Float64Array(needed * 2);
  let count = 0;
  let kept = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const at = entry.at;
    if (at <= since || !capCovers(cap, entry.channel, entry.topic, entry.category)) continue;
    count++;
    if (large) {
      scratch[kept++] = at;
      continue;
    }
    if (kept === rank) {
      if (at <= scratch[rank - 1]!) continue;
      kept--;
    }
    let j = kept - 1;
    while (j >= 0 && scratch[j]! < at) {
      scratch[j + 1] = scratch[j]!;
      j--;
    }
    scratch[j + 1] = at;
    kept++;
  }
  if (count < rank) return { count, time: Number.NaN };
  if (large) {
    const sorted = scratch.subarray(0, kept).sort();
    return { count, time: sorted[kept - rank]! };
  }
  return { count, time: scratch[rank - 1]! };
}

/**
 * Why the cap holds or drops a message at `instant`, in words, with the full count.
 *
 * @example
 * ```ts
 * describeCap(weekly, zone, 1, entries, now, true);
 * // "cap 'weekly-marketing': 3 of 3 marketing messages this week (Asia/Ho_Chi_Minh), next week starts 2026-12-07 00:00"
 * ```
 */
export function describeCap(
  cap: CompiledCap,
  zone: LocalZone,
  weekStartsOn: 0 | 1,
  entries: readonly LedgerEntry[],
  instant: number,
  withRelease: boolean,
): string {
  const head = `cap '${cap.id}'`;
  if (cap.max === 0) return `${head}: no ${cap.what} allowed (max 0)`;
  if (cap.period === 'rolling') {
    const since = instant - cap.windowMs;
    const { count, time } = latestCounted(cap, entries, since, cap.max);
    const hours = cap.windowMs / HOUR_MS;
    const base = `${head}: ${count} of ${cap.max} ${cap.what} in the last ${hours} hour${hours === 1 ? '' : 's'}`;
    if (!withRelease) return base;
    return `${base}, room again at ${formatWall(zone.wallAt(time + cap.windowMs))} (${zone.name})`;
  }
  const day = cap.period === 'day';
  const period = day ? zone.day(instant) : zone.week(instant, weekStartsOn);
  const count = countBetween(cap, entries, period.start, period.end, Number.POSITIVE_INFINITY);
  const base = `${head}: ${count} of ${cap.max} ${cap.what} ${day ? 'today' : 'this week'} (${zone.name})`;
  if (!withRelease) return base;
  return `${base}, ${day ? 'the next day' : 'next week'} starts ${formatWall(zone.wallAt(period.end))}`;
}
