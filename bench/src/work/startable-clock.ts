import type { Clock } from '@cx/core';

/**
 * A clock that stands still at `at` until `start()`, then runs in real time: preparing a
 * million timers or windows takes no "time", and lateness is measured from the moment it starts.
 */
export function startableClock(at: number): { clock: Clock; start: () => void } {
  let startedAt: number | null = null;
  const clock: Clock = { now: () => (startedAt === null ? at : at + (performance.now() - startedAt)) };
  return {
    clock,
    start: () => {
      startedAt = performance.now();
    },
  };
}
