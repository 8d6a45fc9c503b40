import { z } from 'zod';
import { type Instant, instantSchema } from './rfm-inputs';

/** The work queue of scheduled RFM refreshes. */
export const RFM_QUEUE = 'segments.rfm';
/** The key of the one scheduled refresh of a workspace. */
export const RFM_REFRESH_KEY = 'refresh';

const DAY = 86_400_000;

/** Options of `Rfm.scheduleRefresh`. */
export interface RfmRefreshScheduleOptions {
  /** Milliseconds between refreshes: from 1 second to 366 days. */
  every: number;
  /**
   * The first refresh. Default: the next multiple of `every` since the Unix epoch, so daily
   * refreshes fall on UTC midnights and their snapshots line up day by day.
   */
  startAt?: Instant;
}

/** The payload of the scheduled item. */
export interface RfmRefreshPayload {
  every: number;
}

/** Schema of {@link RfmRefreshScheduleOptions}. */
export const refreshScheduleSchema = z
  .object({
    every: z
      .number()
      .int()
      .min(1000)
      .max(366 * DAY),
    startAt: instantSchema.optional(),
  })
  .strict();

/** Schema of {@link RfmRefreshPayload}, checked when a worker picks the item up. */
export const refreshPayloadSchema = z.object({
  every: z
    .number()
    .int()
    .min(1000)
    .max(366 * DAY),
});

/** The first due time: `startAt`, or the next multiple of `every` after `nowMs`. */
export function firstDue(nowMs: number, every: number, startAt?: number): number {
  return startAt ?? (Math.floor(nowMs / every) + 1) * every;
}

/**
 * The due time after a refresh due at `dueMs`: one period later, or, when the worker ran so late
 * that this has passed, the first slot on the same grid after `nowMs` (missed runs are skipped,
 * not replayed one by one).
 */
export function nextDue(dueMs: number, nowMs: number, every: number): number {
  const next = dueMs + every;
  if (next > nowMs) return next;
  return dueMs + every * (Math.floor((nowMs - dueMs) / every) + 1);
}
