import type { Clock } from '@cx/core';
import type { ProgressStream } from './progress-reporter';

/** Where a backfill is: replaying the log into new definitions, settling profiles, or following new events. */
export type BackfillProgress =
  | { phase: 'replaying'; replayedEvents: number; remainingEvents: number }
  | { phase: 'settling'; replayedEvents: number; settledProfiles: number }
  | { phase: 'following'; remainingEvents: number };

const WIDTH = 30;
const format = (value: number) => Math.round(value).toLocaleString('en-US');

/** The progress line, without the bar. */
export function describeBackfill(progress: BackfillProgress): string {
  switch (progress.phase) {
    case 'replaying':
      return `replaying: ${format(progress.replayedEvents)} events replayed, ${format(progress.remainingEvents)} to go`;
    case 'settling':
      return `settling: ${format(progress.replayedEvents)} events replayed, ${format(progress.settledProfiles)} profiles settled`;
    case 'following':
      return `following the log: ${format(progress.remainingEvents)} new events to apply`;
  }
}

/** How far along the replay is, when that can be told. */
function share(progress: BackfillProgress): number | undefined {
  if (progress.phase !== 'replaying') return undefined;
  const total = progress.replayedEvents + progress.remainingEvents;
  return total === 0 ? 1 : progress.replayedEvents / total;
}

/**
 * Backfill progress, like the import's: a bar redrawn in place (at most every 100 ms) on a
 * terminal, a plain line every few seconds otherwise. The first update always shows.
 */
export function createBackfillReporter(options: {
  stream: ProgressStream;
  clock: Clock;
  lineEveryMs?: number;
}) {
  const tty = options.stream.isTTY === true;
  const every = tty ? 100 : (options.lineEveryMs ?? 5000);
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;

  const render = (progress: BackfillProgress) => {
    const done = share(progress);
    if (!tty || done === undefined) return describeBackfill(progress);
    const filled = Math.round(Math.min(1, done) * WIDTH);
    const percent = `${(Math.min(1, done) * 100).toFixed(0).padStart(3)}%`;
    return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${percent} ${describeBackfill(progress)}`;
  };

  return {
    /** Shows progress, throttled. */
    update(progress: BackfillProgress) {
      const now = options.clock.now();
      if (now - last < every) return;
      last = now;
      drawn = true;
      options.stream.write(tty ? `\r${render(progress)}\u001b[K` : `backfill: ${render(progress)}\n`);
    },
    /** Ends the bar's line, so what follows starts on its own. */
    done() {
      if (tty && drawn) options.stream.write('\n');
      drawn = false;
    },
  };
}
