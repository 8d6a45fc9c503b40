import { NotFoundError } from '@cx/core';
import type { SegmentEngine } from '@cx/segments';
import type { BackfillProgress } from '../progress/backfill-progress';

/** Options of {@link backfillSegment}. */
export interface BackfillSegmentOptions {
  /** Stops the backfill (SIGINT); what was done is stored, so the next run continues from there. */
  signal?: AbortSignal;
  /** Called with the progress read every `pollMs`. */
  onProgress?: (progress: BackfillProgress) => void;
  /** How often progress is read, in ms; default 100. */
  pollMs?: number;
}

/** How a backfill ended. */
export interface BackfillOutcome {
  /** True when `signal` stopped it before the definition was live. */
  interrupted: boolean;
}

/**
 * Runs a workspace's segment engine until the segment (or computed trait) `id` is live and the
 * engine has applied every stored event: the engine replays the log into the new definitions
 * (this one, and any other saved but not live yet: they replay together or in turn), settles
 * every profile, then follows the events that arrived meanwhile. Every step commits its
 * progress with its work, so a run stopped at any point (Ctrl-C, a crash) is continued, not
 * restarted, by the next one.
 *
 * @throws `NotFoundError` when the workspace has no such segment or computed trait.
 * @example
 * ```ts
 * const engine = createSegmentEngine({ storage, workspaceId: 'acme' });
 * await backfillSegment(engine, 'buyers', { onProgress: (p) => console.error(p) });
 * ```
 */
export async function backfillSegment(
  engine: SegmentEngine,
  id: string,
  options: BackfillSegmentOptions = {},
): Promise<BackfillOutcome> {
  const { signal } = options;
  const pollMs = options.pollMs ?? 100;
  const known =
    (await engine.get(id)) !== null || (await engine.listComputedTraits()).some((trait) => trait.id === id);
  if (!known)
    throw new NotFoundError(`No segment or computed trait ${id} in workspace ${engine.workspaceId}`);

  // The engine's own loops do the work (each step a commit); this loop only watches and reports.
  engine.start();
  try {
    for (;;) {
      if (signal?.aborted) return { interrupted: true };
      const progress = await engine.progress();
      if (progress === null) break;
      options.onProgress?.(
        progress.remainingEvents > 0
          ? {
              phase: 'replaying',
              replayedEvents: progress.replayedEvents,
              remainingEvents: progress.remainingEvents,
            }
          : {
              phase: 'settling',
              replayedEvents: progress.replayedEvents,
              settledProfiles: progress.settledProfiles,
            },
      );
      await sleep(pollMs, signal);
    }
    for (;;) {
      if (signal?.aborted) return { interrupted: true };
      const lag = await engine.lag();
      if (lag === 0) break;
      options.onProgress?.({ phase: 'following', remainingEvents: lag });
      await sleep(pollMs, signal);
    }
    await engine.stop();
    // Events stored between the last look and the stop, and expiry checks that fell due.
    await engine.drain();
    return { interrupted: false };
  } finally {
    // Also gives up the consumer's lease, so the next run (or `cx serve`) need not wait it out.
    await engine.stop();
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
