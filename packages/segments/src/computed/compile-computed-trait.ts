import type { CxEvent } from '@cx/core';
import { parseAttributePath, readAttributePath } from '@cx/core/conditions';
import type { ComputedTraitDefinition } from '../definition/computed-trait-schema';
import { inWindow, windowBounds } from '../definition/window';
import { eventProperties } from '../engine/event-facts';
import { eventFilter } from '../engine/leaves/event-filter';
import { type AggregateState, aggregateValue, foldAggregate } from './aggregate-state';

/**
 * A computed trait's per-profile state: the running aggregate, or, over a rolling window, the
 * matching events still inside it (`[time, value, messageId]`), from which the value is read at
 * any `now` (so "orders in the last 90 days" falls by itself).
 */
export type ComputedTraitState = { a: AggregateState } | { r: [number, unknown, string][] };

/** A computed trait ready to fold events. */
export interface CompiledComputedTrait {
  definition: ComputedTraitDefinition;
  events: ReadonlySet<string>;
  apply(
    state: ComputedTraitState | undefined,
    event: CxEvent,
    ts: number,
    now: number,
  ): ComputedTraitState | undefined;
  value(state: ComputedTraitState | undefined, now: number): unknown;
  boundary(state: ComputedTraitState | undefined, now: number): number | undefined;
}

/** Kinds whose value with no matching event is 0 rather than null. */
const ZERO_WHEN_EMPTY: ReadonlySet<string> = new Set(['count', 'uniqueCount', 'sum']);

/** Compiles a computed trait definition. */
export function compileComputedTrait(definition: ComputedTraitDefinition): CompiledComputedTrait {
  const matches = eventFilter(definition.event, definition.where);
  const bounds = windowBounds(definition.window);
  const rolling = bounds !== null && 'rollingMs' in bounds ? bounds.rollingMs : undefined;
  const path = definition.property === undefined ? undefined : parseAttributePath(definition.property);
  const read = (event: CxEvent): unknown =>
    path === undefined ? 1 : readAttributePath(eventProperties(event), path);
  const kind = definition.kind;

  const live = (entries: [number, unknown, string][], now: number) =>
    entries.filter((entry) => entry[0] > now - (rolling as number));

  return {
    definition,
    events: new Set([definition.event]),
    apply(state, event, ts, now) {
      if (!matches(event, now)) return undefined;
      if (!inWindow(bounds, ts, now)) return undefined;
      const value = read(event);
      if (value === undefined || value === null) return undefined;
      if (rolling !== undefined) {
        const entries = state && 'r' in state ? live(state.r, now) : [];
        if (entries.some((entry) => entry[2] === event.messageId)) return undefined;
        entries.push([ts, value, event.messageId]);
        return { r: entries };
      }
      const aggregate = state && 'a' in state ? state.a : undefined;
      return { a: foldAggregate(kind, aggregate, value, ts) };
    },
    value(state, now) {
      if (state === undefined) return ZERO_WHEN_EMPTY.has(kind) ? 0 : null;
      if ('a' in state) return aggregateValue(kind, state.a);
      let aggregate: AggregateState | undefined;
      for (const [ts, value] of [...live(state.r, now)].sort((x, y) => x[0] - y[0])) {
        aggregate = foldAggregate(kind, aggregate, value, ts);
      }
      return aggregate === undefined
        ? ZERO_WHEN_EMPTY.has(kind)
          ? 0
          : null
        : aggregateValue(kind, aggregate);
    },
    boundary(state, now) {
      if (rolling === undefined || state === undefined || !('r' in state)) return undefined;
      let earliest: number | undefined;
      for (const [ts] of state.r)
        if (ts > now - rolling && (earliest === undefined || ts < earliest)) earliest = ts;
      return earliest === undefined ? undefined : earliest + rolling;
    },
  };
}

/** A compiled trait tagged with the version its per-profile states belong to. */
export type VersionedComputedTrait = CompiledComputedTrait & { version: string };

/** Compiles a computed trait for a model; states of another `version` are not read. */
export const compileVersionedTrait = (
  definition: ComputedTraitDefinition,
  version: string,
): VersionedComputedTrait => ({
  ...compileComputedTrait(definition),
  version,
});
