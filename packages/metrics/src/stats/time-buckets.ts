import { z } from 'zod';

/** A calendar bucket of time, in UTC. */
export const timeBucketSchema = z.enum(['day', 'week', 'month']);
/** `day`, `week` (ISO weeks, starting Monday) or `month`, all in UTC. */
export type TimeBucket = z.output<typeof timeBucketSchema>;

const DAY_MS = 86_400_000;

/** The start (epoch ms, UTC) of the bucket holding `ms`. */
export function bucketStart(ms: number, bucket: TimeBucket): number {
  const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
  if (bucket === 'day') return dayStart;
  if (bucket === 'week') {
    // 1970-01-01 was a Thursday: shift so that weeks start on Monday.
    const weekday = (new Date(dayStart).getUTCDay() + 6) % 7;
    return dayStart - weekday * DAY_MS;
  }
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The bucket after the one starting at `start`. */
export function nextBucket(start: number, bucket: TimeBucket): number {
  if (bucket === 'day') return start + DAY_MS;
  if (bucket === 'week') return start + 7 * DAY_MS;
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** How many whole buckets lie between two bucket starts (`to` ≥ `from`). */
export function bucketsBetween(from: number, to: number, bucket: TimeBucket): number {
  if (bucket === 'day') return Math.round((to - from) / DAY_MS);
  if (bucket === 'week') return Math.round((to - from) / (7 * DAY_MS));
  const a = new Date(from);
  const b = new Date(to);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
}

/** `YYYY-MM-DD` of a bucket start. */
export const bucketLabel = (start: number): string => new Date(start).toISOString().slice(0, 10);
