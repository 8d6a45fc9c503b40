/**
 * Where cx code reads the time. Inject a {@link ManualClock} in tests and simulations
 * so that a three-day wait takes milliseconds.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to.
 *
 * @example
 * ```ts
 * const clock = new ManualClock('2026-01-01T00:00:00Z');
 * clock.advance(3 * 24 * 60 * 60 * 1000); // three days pass instantly
 * ```
 */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: number | string | Date = 0) {
    this.#now = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.#now)) throw new RangeError(`ManualClock: invalid start time ${String(start)}`);
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` milliseconds (never backwards). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.#now += ms;
  }

  /** Jumps to an absolute time, which must not be earlier than now. */
  set(time: number | string | Date): void {
    const next = typeof time === 'number' ? time : new Date(time).getTime();
    if (!Number.isFinite(next) || next < this.#now) {
      throw new RangeError(`ManualClock.set: cannot move from ${this.#now} to ${String(time)}`);
    }
    this.#now = next;
  }
}
