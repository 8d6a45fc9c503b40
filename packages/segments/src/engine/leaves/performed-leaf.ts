import type { CountTest, SegmentNode } from '../../definition/segment-schema';
import { inWindow, windowBounds } from '../../definition/window';
import { eventFilter } from './event-filter';
import type { Leaf } from './leaf';

/** Matching events as `[time, messageId]`, oldest first; only as many as the count test can see. */
export interface PerformedState {
  e: [number, string][];
}

type PerformedNode = Extract<SegmentNode, { type: 'performed' | 'notPerformed' }>;

/** Whether `count` passes the test. */
export function passesCount(count: number, test: CountTest): boolean {
  if (test.op === 'gte') return count >= test.value;
  if (test.op === 'eq') return count === test.value;
  return count < test.value;
}

/**
 * "Performed X n times in the window". The state keeps the `value + 1` most recent matching
 * events (no test needs to tell more apart), with their ids, so an event applied twice (a
 * a replay, a rebuild after a merge) counts once and the state stays small.
 */
export function performedLeaf(node: PerformedNode): Leaf<PerformedState> {
  const test: CountTest =
    node.type === 'notPerformed' ? { op: 'eq', value: 0 } : (node.count ?? { op: 'gte', value: 1 });
  const keep = test.value + 1;
  const bounds = windowBounds(node.window);
  const matches = eventFilter(node.event, node.where);
  const rolling = bounds !== null && 'rollingMs' in bounds ? bounds.rollingMs : undefined;

  const insert = (entries: [number, string][], ts: number, id: string, now: number): [number, string][] => {
    if (entries.some((entry) => entry[1] === id)) return entries;
    const next = entries.filter((entry) => rolling === undefined || entry[0] > now - rolling);
    let at = next.length;
    while (at > 0 && next[at - 1]![0] > ts) at--;
    next.splice(at, 0, [ts, id]);
    return next.length > keep ? next.slice(next.length - keep) : next;
  };
  const count = (state: PerformedState | undefined, now: number) => {
    let n = 0;
    for (const entry of state?.e ?? []) if (inWindow(bounds, entry[0], now)) n++;
    return n;
  };

  return {
    node,
    events: new Set([node.event]),
    apply(state, event, ts, now) {
      if (!matches(event, now)) return undefined;
      if (bounds !== null && 'fromMs' in bounds && !inWindow(bounds, ts, now)) return undefined;
      if (rolling !== undefined && ts <= now - rolling) return undefined;
      const entries = insert(state?.e ?? [], ts, event.messageId, now);
      return entries === state?.e ? undefined : { e: entries };
    },
    holds: (state, context) => passesCount(count(state, context.now), test),
    boundary(state, context) {
      if (rolling === undefined) return undefined;
      const live = (state?.e ?? []).filter((entry) => entry[0] > context.now - rolling);
      return live.length === 0 ? undefined : live[0]![0] + rolling;
    },
    seen: (state, context) => ({ count: count(state, context.now), test, window: node.window ?? 'ever' }),
  };
}
