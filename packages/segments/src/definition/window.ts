import { z } from 'zod';
import { type Duration, durationMs, durationSchema } from './duration';

/**
 * When events count: a rolling window (`{ last: { amount: 90, unit: 'days' } }`, relative to
 * now, so membership expires by itself) or an absolute range (`{ from, to }`, from inclusive,
 * to exclusive). No window: ever.
 */
export type EventWindow = { last: Duration } | { from: string; to: string };

const isoDate = z.iso.datetime({ offset: true });

/** The schema of an {@link EventWindow}; an empty or reversed range is refused. */
export const eventWindowSchema = z.union([
  z.object({ last: durationSchema }).strict(),
  z
    .object({ from: isoDate, to: isoDate })
    .strict()
    .refine((range) => Date.parse(range.from) < Date.parse(range.to), {
      message: 'A window must end after it starts',
      path: ['to'],
    }),
]);

/** A window as numbers: `[from, to)` in epoch ms, or a rolling length. */
export type WindowBounds = { rollingMs: number } | { fromMs: number; toMs: number } | null;

/** The window's bounds, read once when a definition is compiled. */
export function windowBounds(window: EventWindow | undefined): WindowBounds {
  if (window === undefined) return null;
  if ('last' in window) return { rollingMs: durationMs(window.last) };
  return { fromMs: Date.parse(window.from), toMs: Date.parse(window.to) };
}

/** True when an event at `ts` counts at `now`. Rolling windows hold `(now − length, ∞)`. */
export function inWindow(bounds: WindowBounds, ts: number, now: number): boolean {
  if (bounds === null) return true;
  if ('rollingMs' in bounds) return ts > now - bounds.rollingMs;
  return ts >= bounds.fromMs && ts < bounds.toMs;
}
