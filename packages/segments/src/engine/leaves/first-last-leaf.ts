import { compileCondition } from '@cx/core/conditions';
import type { SegmentNode } from '../../definition/segment-schema';
import { inWindow, windowBounds } from '../../definition/window';
import { eventProperties } from '../event-facts';
import { eventFilter } from './event-filter';
import type { Leaf } from './leaf';

/** The first (or latest) matching event: its time, id and properties. */
export interface FirstLastState {
  t: number;
  id: string;
  p: Record<string, unknown>;
}

type FirstLastNode = Extract<SegmentNode, { type: 'firstPerformed' | 'lastPerformed' }>;

/**
 * "The first time they did X was in the last 7 days", "their latest order was paid by card".
 * Ties in time keep the event seen first for `first` and the one seen last for `last`, which is
 * log order, as the SQL backfill orders them.
 */
export function firstLastLeaf(node: FirstLastNode): Leaf<FirstLastState> {
  const first = node.type === 'firstPerformed';
  const matches = eventFilter(node.event, node.where);
  const bounds = windowBounds(node.window);
  const properties = node.properties === undefined ? undefined : compileCondition(node.properties);
  const replaces = (current: FirstLastState | undefined, ts: number) =>
    current === undefined || (first ? ts < current.t : ts >= current.t);

  return {
    node,
    events: new Set([node.event]),
    apply(state, event, ts, now) {
      if (!matches(event, now) || !replaces(state, ts) || state?.id === event.messageId) return undefined;
      return { t: ts, id: event.messageId, p: eventProperties(event) };
    },
    holds: (state, context) =>
      state !== undefined &&
      inWindow(bounds, state.t, context.now) &&
      (properties === undefined || properties(state.p, {}, context.now)),
    boundary(state, context) {
      if (state === undefined || bounds === null || !('rollingMs' in bounds)) return undefined;
      const end = state.t + bounds.rollingMs;
      return end > context.now ? end : undefined;
    },
    seen: (state) =>
      state === undefined
        ? { performed: false }
        : { at: new Date(state.t).toISOString(), properties: state.p },
  };
}
