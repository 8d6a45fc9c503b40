import { localZone } from '@cx/channels';
import { z } from 'zod';

/**
 * `HH:MM` on a 24-hour clock, `00:00` to `23:59`.
 *
 * @example
 * ```ts
 * TIME_OF_DAY_PATTERN.test('23:59'); // true
 * ```
 */
export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * zod schema of a local time of day, `HH:MM` on a 24-hour clock. A bad time gets code
 * `invalid_time` in journey issues.
 *
 * @example
 * ```ts
 * timeOfDaySchema.safeParse('09:30').success; // true
 * timeOfDaySchema.safeParse('9:30').success; // false: two digits for the hour
 * ```
 */
export const timeOfDaySchema = z
  .string()
  .regex(TIME_OF_DAY_PATTERN, 'Write the time as HH:MM, 00:00 to 23:59');

/**
 * zod schema of a set of weekdays, `0` (Sunday) to `6` (Saturday), as `Date.getDay()` counts them:
 * at least one, each once.
 *
 * @example
 * ```ts
 * weekdaysSchema.parse([1, 2, 3, 4, 5]); // Monday to Friday
 * ```
 */
export const weekdaysSchema = z
  .array(z.number().int().min(0, 'Weekdays run from 0 (Sunday)').max(6, 'Weekdays run to 6 (Saturday)'))
  .min(1, 'Name at least one weekday, or leave weekdays out for every day')
  .superRefine((days, ctx) => {
    for (const [index, day] of days.entries()) {
      if (days.indexOf(day) !== index) {
        ctx.addIssue({
          code: 'custom',
          message: `Weekday ${day} is listed twice`,
          path: [index],
          params: { cxCode: 'duplicate_weekday' },
        });
      }
    }
  });

/**
 * zod schema of an IANA time zone name that this runtime's Intl knows (`Asia/Ho_Chi_Minh`, `UTC`),
 * checked the way `@cx/channels` resolves zones for quiet hours, so a zone that validates here
 * also works there. A bad one gets code `invalid_time_zone`.
 *
 * @example
 * ```ts
 * timeZoneSchema.safeParse('Asia/Ho_Chi_Minh').success; // true
 * timeZoneSchema.safeParse('GMT+7 Hanoi').success; // false
 * ```
 */
export const timeZoneSchema = z
  .string()
  .min(1)
  .refine((name) => localZone(name) !== undefined, {
    message: 'Not a time zone this runtime knows: use an IANA name such as Asia/Ho_Chi_Minh',
    params: { cxCode: 'invalid_time_zone' },
  });
