/**
 * Time-zone arithmetic on `Intl.DateTimeFormat` alone. Local wall times are handled as "wall
 * milliseconds": the local date and time read as if it were UTC, so a local day number is
 * `Math.floor(wall / DAY_MS)` and everything else is integer arithmetic. Intl is only asked for a
 * zone's UTC offset, once per UTC hour, and the answer is cached.
 */

/**
 * Milliseconds in a minute.
 *
 * @example
 * ```ts
 * const quietFrom = (21 * 60 + 30) * MINUTE_MS; // 21:30 as ms after local midnight
 * ```
 */
export const MINUTE_MS = 60_000;
/**
 * Milliseconds in an hour.
 *
 * @example
 * ```ts
 * const window = 24 * HOUR_MS; // a { hours: 24 } rolling window
 * ```
 */
export const HOUR_MS = 3_600_000;
/**
 * Milliseconds in a 24-hour day (not every local day: DST days are 23 or 25 hours).
 *
 * @example
 * ```ts
 * const localDay = Math.floor(zone.wallAt(now) / DAY_MS); // days since 1970-01-01, local
 * ```
 */
export const DAY_MS = 86_400_000;

// Bounded so a long-running process that sees every hour of several years cannot grow without end.
const MAX_CACHED_HOURS = 8192;

/**
 * A calendar period in one zone: the instants `[start, end)` and the local day it starts on.
 *
 * @example
 * ```ts
 * const { start, end } = localZone('Asia/Ho_Chi_Minh')!.day(Date.parse('2026-12-02T14:00:00Z'));
 * // start = 2026-12-01T17:00:00Z, end = 2026-12-02T17:00:00Z
 * ```
 */
export interface LocalPeriod {
  /** First instant of the period (epoch ms). */
  readonly start: number;
  /** First instant after the period (epoch ms). */
  readonly end: number;
  /** The local day number (days since 1970-01-01) the period starts on. */
  readonly firstDay: number;
  /** How many local days it spans. */
  readonly days: number;
}

/**
 * How to read a local wall time that happens twice (the hour repeated when clocks fall back).
 *
 * @example
 * ```ts
 * zone.toInstant(wall, 'earlier'); // the first 01:30 on the fall-back night
 * ```
 */
export type Disambiguation = 'earlier' | 'later';

/** `x mod n`, never negative. */
function mod(x: number, n: number): number {
  const r = x % n;
  return r < 0 ? r + n : r;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`), so
 * no `Date` object is needed.
 *
 * @example
 * ```ts
 * daysFromCivil(2026, 12, 7); // 20794
 * ```
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * The proleptic Gregorian date of a day number (Hinnant's `civil_from_days`).
 *
 * @example
 * ```ts
 * civilFromDays(20794); // { year: 2026, month: 12, day: 7 }
 * ```
 */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * The local weekday of a day number, `0` = Sunday (1970-01-01 was a Thursday).
 *
 * @example
 * ```ts
 * weekdayOfDay(20794); // 1, a Monday
 * ```
 */
export function weekdayOfDay(day: number): number {
  return mod(day + 4, 7);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * Formats wall milliseconds as `YYYY-MM-DD HH:MM`, for the reasons people read.
 *
 * @example
 * ```ts
 * formatWall(Date.UTC(2026, 11, 7)); // '2026-12-07 00:00'
 * ```
 */
export function formatWall(wall: number): string {
  const day = Math.floor(wall / DAY_MS);
  const { year, month, day: date } = civilFromDays(day);
  const minutes = Math.floor((wall - day * DAY_MS) / MINUTE_MS);
  return `${year}-${pad2(month)}-${pad2(date)} ${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/**
 * One IANA time zone: UTC offsets, local wall times and calendar periods, with the Intl formatter
 * and the offsets it found cached. Get instances from {@link localZone}.
 *
 * @example
 * ```ts
 * const zone = localZone('America/New_York')!;
 * zone.offsetAt(Date.parse('2026-07-01T12:00:00Z')); // -14_400_000 (EDT)
 * ```
 */
export class LocalZone {
  /** The IANA name, as given. */
  readonly name: string;
  private readonly format: Intl.DateTimeFormat;
  /** UTC hour number → offset for the whole hour, or NaN when the offset changes inside that hour. */
  private readonly offsets = new Map<number, number>();
  private lastHour = Number.NaN;
  private lastOffset = 0;
  /** Two-slot caches: a decision and the hold it schedules usually touch two neighbouring periods. */
  private dayA: LocalPeriod | undefined;
  private dayB: LocalPeriod | undefined;
  private readonly weekA: (LocalPeriod | undefined)[] = [undefined, undefined];
  private readonly weekB: (LocalPeriod | undefined)[] = [undefined, undefined];

  /** @throws RangeError when Intl does not know the zone. */
  constructor(name: string) {
    this.name = name;
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The zone's UTC offset at `instant`, in ms (local = UTC + offset). */
  offsetAt(instant: number): number {
    const hour = Math.floor(instant / HOUR_MS);
    if (hour === this.lastHour) return this.lastOffset;
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      // An hour with the same offset at both ends has no transition inside (zones change at most
      // twice a year), so one answer serves every instant of it.
      const first = this.computeOffset(hour * HOUR_MS);
      const last = this.computeOffset(hour * HOUR_MS + HOUR_MS - 1);
      offset = first === last ? first : Number.NaN;
      if (this.offsets.size >= MAX_CACHED_HOURS) this.offsets.clear();
      this.offsets.set(hour, offset);
    }
    if (Number.isNaN(offset)) return this.computeOffset(instant);
    this.lastHour = hour;
    this.lastOffset = offset;
    return offset;
  }

  /** Local wall milliseconds of an instant. */
  wallAt(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  /**
   * The instant a local wall time happens. A wall time skipped by a spring-forward gap moves
   * forward by the gap (02:30 → 03:30 EDT); one that happens twice takes `disambiguation`.
   */
  toInstant(wall: number, disambiguation: Disambiguation = 'earlier'): number {
    // Offsets a day either side bracket any transition near `wall` (zones never change twice in two days).
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    if (before === after) return wall - before;
    const early = wall - before;
    const late = wall - after;
    const earlyValid = this.offsetAt(early) === before;
    const lateValid = this.offsetAt(late) === after;
    if (earlyValid && lateValid) {
      return disambiguation === 'earlier' ? Math.min(early, late) : Math.max(early, late);
    }
    if (earlyValid) return early;
    if (lateValid) return late;
    // A gap: read the wall time with the offset in force before it, which lands after the jump.
    return early;
  }

  /** The first instant of local wall time `wall` that is after `instant`; `instant + 1` if none is. */
  toInstantAfter(wall: number, instant: number): number {
    const first = this.toInstant(wall, 'earlier');
    if (first > instant) return first;
    const second = this.toInstant(wall, 'later');
    return second > instant ? second : instant + 1;
  }

  /** The local calendar day containing `instant`. */
  day(instant: number): LocalPeriod {
    const a = this.dayA;
    if (a !== undefined && a.start <= instant && instant < a.end) return a;
    const b = this.dayB;
    if (b !== undefined && b.start <= instant && instant < b.end) return b;
    const period = this.period(Math.floor(this.wallAt(instant) / DAY_MS), 1, instant);
    this.dayB = a;
    this.dayA = period;
    return period;
  }

  /** The local calendar week containing `instant`, starting on Sunday (`0`) or Monday (`1`). */
  week(instant: number, weekStartsOn: 0 | 1): LocalPeriod {
    const a = this.weekA[weekStartsOn];
    if (a !== undefined && a.start <= instant && instant < a.end) return a;
    const b = this.weekB[weekStartsOn];
    if (b !== undefined && b.start <= instant && instant < b.end) return b;
    const today = Math.floor(this.wallAt(instant) / DAY_MS);
    const period = this.period(today - mod(weekdayOfDay(today) - weekStartsOn, 7), 7, instant);
    this.weekB[weekStartsOn] = a;
    this.weekA[weekStartsOn] = period;
    return period;
  }

  /** The `days` local days ending with the one containing `instant` (today and the days before). */
  lastDays(instant: number, days: number): LocalPeriod {
    const today = Math.floor(this.wallAt(instant) / DAY_MS);
    return this.period(today - days + 1, days, instant);
  }

  /** `YYYY-MM-DDTHH:MM:SS±HH:MM`, the local time of an instant with its offset. */
  isoLocal(instant: number): string {
    const offset = this.offsetAt(instant);
    const wall = instant + offset;
    const day = Math.floor(wall / DAY_MS);
    const { year, month, day: date } = civilFromDays(day);
    const seconds = Math.floor((wall - day * DAY_MS) / 1000);
    const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
    const offsetMinutes = Math.round(Math.abs(offset) / MINUTE_MS);
    const sign = offset < 0 ? '-' : '+';
    const zone = `${sign}${pad2(Math.floor(offsetMinutes / 60))}:${pad2(offsetMinutes % 60)}`;
    return `${year}-${pad2(month)}-${pad2(date)}T${time}${zone}`;
  }

  private period(firstDay: number, days: number, instant: number): LocalPeriod {
    // A midnight skipped by a gap starts the day at the jump; a midnight that happens twice starts
    // it at the first one, unless `instant` is already past that (then the day ends at the second).
    const start = this.toInstant(firstDay * DAY_MS, 'earlier');
    const end = this.toInstantAfter((firstDay + days) * DAY_MS, instant);
    return { start: Math.min(start, instant), end, firstDay, days };
  }

  private computeOffset(instant: number): number {
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const part of this.format.formatToParts(instant)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          // Some ICU versions print midnight as 24 even with h23.
          hour = Number(part.value) % 24;
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
      }
    }
    const wall =
      daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000;
    return wall - Math.floor(instant / 1000) * 1000;
  }
}

const zones = new Map<string, LocalZone | null>();
// Unknown names come from people's profiles, so their number is unbounded: cap the cache.
const MAX_CACHED_ZONES = 2048;

/**
 * The cached {@link LocalZone} for an IANA name, or `undefined` when Intl does not know it.
 *
 * @example
 * ```ts
 * localZone('Asia/Ho_Chi_Minh')?.offsetAt(Date.now()); // 25_200_000
 * localZone('Mars/Olympus'); // undefined
 * ```
 */
export function localZone(name: string): LocalZone | undefined {
  const cached = zones.get(name);
  if (cached !== undefined) return cached ?? undefined;
  let zone: LocalZone | null = null;
  try {
    zone = name === '' ? null : new LocalZone(name);
  } catch {
    zone = null;
  }
  if (zones.size >= MAX_CACHED_ZONES) zones.clear();
  zones.set(name, zone);
  return zone ?? undefined;
}

/**
 * True when `name` is a time zone Intl knows (`Asia/Ho_Chi_Minh`, `UTC`).
 *
 * @example
 * ```ts
 * isTimeZone('America/New_York'); // true
 * isTimeZone('GMT+7 Hanoi'); // false
 * ```
 */
export function isTimeZone(name: string): boolean {
  return localZone(name) !== undefined;
}
