import { z } from 'zod';
import type { Duration } from './journey-types';

const PART_MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000 } as const;

/**
 * Ten years. A timer further out than this is a typo (`days: 3650` for `hours: 3650`), and capping
 * it keeps every timer a valid `Date`.
 *
 * @example
 * ```ts
 * durationMs({ days: 3660 }) <= MAX_DURATION_MS; // true
 * ```
 */
export const MAX_DURATION_MS = 3660 * PART_MS.days;

/**
 * A {@link Duration} in milliseconds: its parts added up. Months and years are left out of
 * `Duration` on purpose, since their length varies.
 *
 * @example
 * ```ts
 * durationMs({ days: 1, hours: 12 }); // 129_600_000
 * durationMs({}); // 0
 * ```
 */
export function durationMs(duration: Duration): number {
  return (
    finite(duration.days) * PART_MS.days +
    finite(duration.hours) * PART_MS.hours +
    finite(duration.minutes) * PART_MS.minutes +
    finite(duration.seconds) * PART_MS.seconds
  );
}

/**
 * The time part of a duration (hours, minutes, seconds) in milliseconds, without its days: what
 * `wait-until-trait` adds as elapsed time after moving by whole calendar days.
 *
 * @example
 * ```ts
 * timeOfDurationMs({ days: 3, hours: 1 }); // 3_600_000
 * ```
 */
export function timeOfDurationMs(duration: Duration): number {
  return durationMs({ ...duration, days: 0 });
}

/** A missing or non-finite part counts as zero, so a malformed duration never makes a `NaN` timer. */
function finite(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

const part = z.number().nonnegative('A duration cannot be negative').finite().optional();

const durationShape = {
  days: part,
  hours: part,
  minutes: part,
  seconds: part,
};

const notTooLong = (duration: Duration) => durationMs(duration) <= MAX_DURATION_MS;
const TOO_LONG = {
  message: 'A duration cannot be longer than ten years',
  params: { cxCode: 'duration_too_long' },
};

/**
 * zod schema of a {@link Duration} that may be zero: a cooldown, a trait offset.
 *
 * @example
 * ```ts
 * durationSchema.parse({ hours: 0 }); // ok: no cooldown
 * ```
 */
export const durationSchema = z.strictObject(durationShape).refine(notTooLong, TOO_LONG);

/**
 * zod schema of a {@link Duration} that must take time: a wait, a timeout, a result window. An
 * empty or all-zero duration is refused with code `empty_duration`, since a wait of nothing is
 * either a mistake or, in a loop, a journey that spins.
 *
 * @example
 * ```ts
 * positiveDurationSchema.safeParse({ days: 0 }).success; // false
 * ```
 */
export const positiveDurationSchema = z
  .strictObject(durationShape)
  .refine((duration) => durationMs(duration) > 0, {
    message: 'This wait needs a duration longer than zero',
    params: { cxCode: 'empty_duration' },
  })
  .refine(notTooLong, TOO_LONG);

/**
 * zod schema of a trait date's offset: a {@link Duration}, zero included, with `before: true` to
 * move earlier (`{ days: 7, before: true }`: a week before the renewal date).
 *
 * @example
 * ```ts
 * traitOffsetSchema.parse({ days: 7, before: true });
 * ```
 */
export const traitOffsetSchema = z
  .strictObject({ ...durationShape, before: z.boolean().optional() })
  .refine(notTooLong, TOO_LONG);
