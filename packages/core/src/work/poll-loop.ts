import type { Clock } from '../clock/clock';

/** What one turn of a {@link PollLoop} found. */
export interface TickResult {
  /** Work was done: turn again at once. */
  busy: boolean;
  /** When more work becomes due (epoch ms on the loop's clock), if known: sleep no longer than that. */
  nextAt?: number | null;
}

/** How long an idle loop sleeps: from `minMs`, doubling each idle turn, up to `maxMs`. */
export interface IdleOptions {
  minMs?: number;
  maxMs?: number;
}

/** Options of {@link createPollLoop}. */
export interface PollLoopOptions {
  /** One turn of work. A throw is reported to `onError` and counts as an idle turn. */
  tick: () => Promise<TickResult>;
  clock: Clock;
  idle?: IdleOptions;
  onError: (error: unknown) => void;
}

/** A loop that polls with back-off and can be woken early. */
export interface PollLoop {
  /** Starts turning; a second call does nothing. */
  start(): void;
  /** Ends the current sleep now (new work was announced). */
  wake(): void;
  /** Stops after the current turn; resolves when it has finished. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/**
 * The one polling loop every cx runner uses: turn while there is work, then sleep with
 * exponential back-off, never past the next known due time, and wake early when told. Sleeps
 * are real timers; what is due is judged by the injected clock.
 */
export function createPollLoop(options: PollLoopOptions): PollLoop {
  const minMs = options.idle?.minMs ?? 50;
  const maxMs = Math.max(minMs, options.idle?.maxMs ?? 5000);
  let running = false;
  let finished: Promise<void> = Promise.resolve();
  let wakeUp: (() => void) | undefined;
  let woken = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || !running) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        woken = false;
        resolve();
      }
      wakeUp = done;
    });

  const run = async () => {
    let idleMs = minMs;
    while (running) {
      let result: TickResult = { busy: false };
      try {
        result = await options.tick();
      } catch (error) {
        options.onError(error);
      }
      if (!running) break;
      if (result.busy) {
        idleMs = minMs;
        // Let I/O and timers in between turns of a long backlog.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const untilDue =
        result.nextAt === undefined || result.nextAt === null
          ? Number.POSITIVE_INFINITY
          : Math.max(0, result.nextAt - options.clock.now());
      await sleep(Math.min(idleMs, Math.max(1, untilDue)));
      idleMs = Math.min(maxMs, idleMs * 2);
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      finished = run();
    },
    wake() {
      if (wakeUp) wakeUp();
      else woken = true;
    },
    async stop() {
      running = false;
      wakeUp?.();
      await finished;
    },
    get running() {
      return running;
    },
  };
}
