import type { Clock } from '@cx/core';

/**
 * A clock that stands at whatever `set` says until `start()`, then runs in real time from there:
 * entering people at different times costs no "time", so their timers fall due over a spread,
 * and lateness is measured from the moment it starts.
 */
export function settableClock(at: number): { clock: Clock; set: (time: number) => void; start: () => void } {
  let base = at;
  let startedAt: number | null = null;
  const clock: Clock = { now: () => (startedAt === null ? base : base + (performance.now() - startedAt)) };
  return {
    clock,
    set: (time) => {
      base = time;
    },
    start: () => {
      startedAt = performance.now();
    },
  };
}
