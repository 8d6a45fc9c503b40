import { DAY_MS, type LocalZone, localZone, weekdayOfDay } from '@cx/channels';
import { ConfigError } from '@cx/core';
import { parseConditionTime } from '@cx/core/conditions';
import { durationMs, timeOfDurationMs } from '../definition/duration';
import type { Duration } from '../definition/journey-types';

const MINUTE_MS = 60_000;
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The zone of a person: theirs when Intl knows it, else the journey's default, else UTC. A
 * profile's zone is user data and may be anything; a typo must not stop the journey.
 *
 * @example
 * ```ts
 * resolveZone('Mars/Olympus', 'Asia/Ho_Chi_Minh').name; // 'Asia/Ho_Chi_Minh'
 * ```
 */
export function resolveZone(timezone: string, fallback?: string): LocalZone {
  return localZone(timezone) ?? (fallback === undefined ? undefined : localZone(fallback)) ?? utc();
}

function utc(): LocalZone {
  const zone = localZone('UTC');
  if (zone === undefined) throw new ConfigError('Intl does not know the UTC time zone');
  return zone;
}

/**
 * Minutes after local midnight of an `HH:MM` time of day.
 *
 * @throws ConfigError when `at` is not `HH:MM` (00:00 to 23:59): validation refuses such a definition.
 * @example
 * ```ts
 * minutesOfDay('09:30'); // 570
 * ```
 */
export function minutesOfDay(at: string): number {
  const match = TIME_OF_DAY.exec(at);
  if (match === null) throw new ConfigError(`wait-until-time: '${at}' is not a time of day (HH:MM)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * The first instant at or after `now` when the local time in `zone` is `at` on an allowed weekday
 * (0 = Sunday; none or an empty list allows every day). At exactly `now` it is `now`: the wait is
 * over, not a week away. DST: a time skipped by a spring-forward gap happens at the jump's end
 * (02:30 → 03:30), and a time that happens twice on a fall-back night happens the first time only,
 * so nobody gets "the 01:30 message" twice or an hour late.
 *
 * @example
 * ```ts
 * // Thursday 3 Dec 2026 12:00Z is 19:00 in Ho Chi Minh City: 09:00 comes next on Friday.
 * nextLocalTime(Date.parse('2026-12-03T12:00:00Z'), '09:00', undefined, localZone('Asia/Ho_Chi_Minh')!);
 * // Date.parse('2026-12-04T02:00:00Z')
 * ```
 */
export function nextLocalTime(
  now: number,
  at: string,
  weekdays: readonly number[] | undefined,
  zone: LocalZone,
): number {
  const minutes = minutesOfDay(at);
  const allowed = (weekdays ?? []).filter((day) => Number.isInteger(day) && day >= 0 && day <= 6);
  const today = Math.floor(zone.wallAt(now) / DAY_MS);
  // Today and the seven days after cover every weekday, including today's a week later.
  for (let day = today; day <= today + 7; day++) {
    if (allowed.length > 0 && !allowed.includes(weekdayOfDay(day))) continue;
    const instant = zone.toInstant(day * DAY_MS + minutes * MINUTE_MS, 'earlier');
    if (instant >= now) return instant;
  }
  // Unreachable: day `today + 7` has today's weekday and is later than now.
  throw new ConfigError(`wait-until-time: no ${at} found in the week after ${now}`);
}

/**
 * The instant a `wait-until-trait` waits for, or `undefined` when the trait is not a date. A
 * trait is an ISO 8601 time with a zone or epoch milliseconds (the shared condition language's
 * grammar, `parseConditionTime`), or a date alone (`2026-06-01`), which is that day's local
 * midnight in the person's zone: a renewal "on the 1st" is on the 1st where they live. The offset
 * moves by calendar days on the local wall clock (3 days before 09:00 is 09:00, DST or not), then
 * by its hours, minutes and seconds as elapsed time.
 *
 * @example
 * ```ts
 * traitDueAt('2026-06-01', { days: 3, before: true }, localZone('Asia/Ho_Chi_Minh')!);
 * // 2026-05-29T00:00+07:00, Date.parse('2026-05-28T17:00:00Z')
 * ```
 */
export function traitDueAt(
  value: unknown,
  offset: (Duration & { before?: boolean }) | undefined,
  zone: LocalZone,
): number | undefined {
  const parsed = parseConditionTime(value);
  if (parsed === undefined) return undefined;
  // A date alone parses as UTC midnight, which is exactly its wall-clock value.
  let instant = typeof value === 'string' && DATE_ONLY.test(value) ? zone.toInstant(parsed) : parsed;
  if (offset === undefined) return instant;
  const sign = offset.before === true ? -1 : 1;
  const days = durationMs({ days: offset.days }) / DAY_MS;
  if (days !== 0) instant = zone.toInstant(zone.wallAt(instant) + sign * days * DAY_MS);
  return instant + sign * timeOfDurationMs(offset);
}
