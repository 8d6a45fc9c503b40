import { z } from 'zod';

/** Units a window or time limit may use. Months and years are left out: their length varies. */
export const DURATION_UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks'] as const;

/** One unit of {@link DURATION_UNITS}. */
export type DurationUnit = (typeof DURATION_UNITS)[number];

const UNIT_MS: Record<DurationUnit, number> = {
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

/** A length of time, such as `{ amount: 90, unit: 'days' }`. */
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

/** A positive duration; a zero or negative amount is refused at its path. */
export const durationSchema = z
  .object({
    amount: z.number().positive('A duration must be longer than zero').finite(),
    unit: z.enum(DURATION_UNITS),
  })
  .strict();

/** The duration in milliseconds. */
export const durationMs = (duration: Duration): number => duration.amount * UNIT_MS[duration.unit];
