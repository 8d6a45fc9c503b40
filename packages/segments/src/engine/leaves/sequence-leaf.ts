import { durationMs } from '../../definition/duration';
import type { SegmentNode } from '../../definition/segment-schema';
import { inWindow, windowBounds } from '../../definition/window';
import { eventFilter } from './event-filter';
import type { Leaf } from './leaf';

/**
 * Step events as `[time, steps matched (bit mask), messageId]` in order, only those recent enough
 * to start or continue a sequence; `d` is when the latest completed sequence completed.
 */
export interface SequenceState {
  s: [number, number, string][];
  d?: number;
}

type SequenceNode = Extract<SegmentNode, { type: 'sequence' }>;

/**
 * "Did A, then B, then C, the last within `within` of the first." The state holds the step events
 * of the last `within` and recomputes the latest completion from them, so the order events
 * arrive in does not matter.
 */
export function sequenceLeaf(node: SequenceNode): Leaf<SequenceState> {
  const steps = node.steps.map((step) => eventFilter(step.event, step.where));
  const withinMs = durationMs(node.within);
  const bounds = windowBounds(node.window);
  const last = steps.length - 1;
  const absolute = bounds !== null && 'fromMs' in bounds;

  /** The latest completion among chains of these entries (time order, ties in log order). */
  const latestCompletion = (entries: readonly [number, number, string][]) => {
    // best[i]: the latest start of a chain that has matched steps 0..i-1.
    const best: (number | undefined)[] = new Array(steps.length).fill(undefined);
    let done: number | undefined;
    for (const [ts, mask] of entries) {
      for (let i = last; i >= 0; i--) {
        if ((mask & (1 << i)) === 0) continue;
        const start = i === 0 ? ts : best[i];
        if (start === undefined || ts - start > withinMs) continue;
        if (i === last) {
          // An absolute window counts the sequences that completed inside it.
          if (absolute && !inWindow(bounds, ts, 0)) continue;
          done = done === undefined ? ts : Math.max(done, ts);
        } else best[i + 1] = Math.max(best[i + 1] ?? start, start);
      }
    }
    return done;
  };

  const settle = (entries: [number, number, string][], previous: number | undefined): SequenceState => {
    const done = latestCompletion(entries);
    const newest = entries.length === 0 ? 0 : entries[entries.length - 1]![0];
    const kept = entries.filter((entry) => entry[0] >= newest - withinMs);
    const d = done === undefined ? previous : Math.max(done, previous ?? done);
    return d === undefined ? { s: kept } : { s: kept, d };
  };

  const insert = (entries: [number, number, string][], entry: [number, number, string]) => {
    if (entries.some((existing) => existing[2] === entry[2])) return entries;
    const next = entries.slice();
    let at = next.length;
    while (at > 0 && next[at - 1]![0] > entry[0]) at--;
    next.splice(at, 0, entry);
    return next;
  };

  return {
    node,
    events: new Set(node.steps.map((step) => step.event)),
    apply(state, event, ts, now) {
      let mask = 0;
      for (let i = 0; i <= last; i++) if (steps[i]!(event, now)) mask |= 1 << i;
      if (mask === 0) return undefined;
      const entries = insert(state?.s ?? [], [ts, mask, event.messageId]);
      if (entries === state?.s) return undefined;
      return settle(entries, state?.d);
    },
    holds: (state, context) => state?.d !== undefined && inWindow(bounds, state.d, context.now),
    boundary(state, context) {
      if (state?.d === undefined || bounds === null || !('rollingMs' in bounds)) return undefined;
      const end = state.d + bounds.rollingMs;
      return end > context.now ? end : undefined;
    },
    seen: (state) => ({
      completedAt: state?.d === undefined ? null : new Date(state.d).toISOString(),
      stepsHeld: state?.s.length ?? 0,
    }),
  };
}
