const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Vietnam keeps UTC+7 all year (no daylight saving), so plain arithmetic is exact. */
const VIETNAM_OFFSET = 7 * HOUR;

/**
 * Milliseconds from `nowMs` until the next time the clock in Vietnam shows `hour`:00.
 *
 * @example
 * ```ts
 * msUntilVietnamHour(Date.parse('2026-01-01T16:00:00Z'), 0); // 1 hour: 23:00 in Hanoi
 * ```
 */
export function msUntilVietnamHour(nowMs: number, hour: number): number {
  const local = nowMs + VIETNAM_OFFSET;
  let target = Math.floor(local / DAY) * DAY + hour * HOUR;
  if (target <= local) target += DAY;
  return target - local;
}

/**
 * The hour of the day in Vietnam (0-23).
 *
 * @example
 * ```ts
 * vietnamHour(Date.parse('2026-01-01T16:00:00Z')); // 23
 * ```
 */
export function vietnamHour(nowMs: number): number {
  return Math.floor(((((nowMs + VIETNAM_OFFSET) % DAY) + DAY) % DAY) / HOUR);
}
