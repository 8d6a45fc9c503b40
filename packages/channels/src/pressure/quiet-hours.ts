import type { ChannelKind, MessageCategory } from '../contract/channel-kind';
import { DAY_MS, formatWall, type LocalZone, MINUTE_MS, weekdayOfDay } from './local-time';
import type { QuietHoursRule } from './pressure-rules';

/**
 * A {@link QuietHoursRule} prepared for fast checks: times as milliseconds of the local day,
 * filters as sets and flags.
 *
 * @example
 * ```ts
 * const night = compileQuietHours({ id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'hold' });
 * night.fromMs; // 75_600_000
 * ```
 */
export interface CompiledQuietHours {
  readonly rule: QuietHoursRule;
  readonly id: string;
  readonly action: 'hold' | 'drop';
  /** Start, in ms after local midnight. */
  readonly fromMs: number;
  /** End, in ms after local midnight. */
  readonly toMs: number;
  /** Whether a period may start on each local weekday, indexed 0 = Sunday. */
  readonly startsOn: readonly boolean[];
  readonly channels: ReadonlySet<ChannelKind> | undefined;
  readonly marketing: boolean;
  readonly transactional: boolean;
  /** `21:00–08:00`, for reasons. */
  readonly label: string;
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * Prepares a validated quiet-hours rule.
 *
 * @example
 * ```ts
 * const compiled = compileQuietHours({ id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'hold' });
 * ```
 */
export function compileQuietHours(rule: QuietHoursRule): CompiledQuietHours {
  const categories = rule.categories ?? ['marketing'];
  const startsOn = [0, 1, 2, 3, 4, 5, 6].map(
    (day) => rule.days === undefined || rule.days.includes(day as 0),
  );
  return {
    rule,
    id: rule.id,
    action: rule.action,
    fromMs: minutesOf(rule.from) * MINUTE_MS,
    toMs: minutesOf(rule.to) * MINUTE_MS,
    startsOn,
    channels: rule.channels === undefined ? undefined : new Set(rule.channels),
    marketing: categories.includes('marketing'),
    transactional: categories.includes('transactional'),
    label: `${rule.from}–${rule.to}`,
  };
}

/**
 * True when the rule covers a message on this channel and of this category.
 *
 * @example
 * ```ts
 * quietHoursApply(night, 'sms', 'transactional'); // false: transactional is exempt by default
 * ```
 */
export function quietHoursApply(
  quiet: CompiledQuietHours,
  channel: ChannelKind,
  category: MessageCategory,
): boolean {
  if (category === 'marketing' ? !quiet.marketing : !quiet.transactional) return false;
  return quiet.channels === undefined || quiet.channels.has(channel);
}

/**
 * When `instant` falls inside one of the rule's quiet periods, the instant that period ends
 * (exact across DST changes); otherwise `undefined`. The check is on the local wall clock, as
 * people read it: 22:30 is quiet in a 21:00–08:00 rule whatever the offset that night.
 *
 * @example
 * ```ts
 * const zone = localZone('Asia/Ho_Chi_Minh')!;
 * quietEndAt(night, zone, Date.parse('2026-12-02T15:30:00Z')); // Date.parse('2026-12-03T01:00:00Z')
 * ```
 */
export function quietEndAt(quiet: CompiledQuietHours, zone: LocalZone, instant: number): number | undefined {
  const wall = zone.wallAt(instant);
  const day = Math.floor(wall / DAY_MS);
  const ofDay = wall - day * DAY_MS;
  const { fromMs, toMs, startsOn } = quiet;
  if (fromMs < toMs) {
    if (ofDay >= fromMs && ofDay < toMs && startsOn[weekdayOfDay(day)]) {
      return zone.toInstantAfter(day * DAY_MS + toMs, instant);
    }
    return undefined;
  }
  // Wraps midnight (or spans 24 hours when from = to): the period that started today runs into
  // tomorrow, and the one that started yesterday may still be running this morning.
  if (ofDay >= fromMs && startsOn[weekdayOfDay(day)]) {
    return zone.toInstantAfter((day + 1) * DAY_MS + toMs, instant);
  }
  if (ofDay < toMs && startsOn[weekdayOfDay(day - 1)]) {
    return zone.toInstantAfter(day * DAY_MS + toMs, instant);
  }
  return undefined;
}

/**
 * Why a message at `instant` is quiet, in words.
 *
 * @example
 * ```ts
 * describeQuietHours(night, zone, now);
 * // "quiet hours 'night' (21:00–08:00 Asia/Ho_Chi_Minh): 22:30 local is inside a quiet period for marketing messages"
 * ```
 */
export function describeQuietHours(quiet: CompiledQuietHours, zone: LocalZone, instant: number): string {
  const local = formatWall(zone.wallAt(instant)).slice(11);
  const what = [quiet.marketing ? 'marketing' : '', quiet.transactional ? 'transactional' : '']
    .filter(Boolean)
    .join(' or ');
  const on = quiet.rule.channels === undefined ? '' : ` on ${quiet.rule.channels.join(', ')}`;
  return `quiet hours '${quiet.id}' (${quiet.label} ${zone.name}): ${local} local is inside a quiet period for ${what} messages${on}`;
}
