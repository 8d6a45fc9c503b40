import type { ComputedTraitKind } from '../definition/computed-trait-schema';

/**
 * The running aggregate of a computed trait: `n` values seen, their sum, the smallest and
 * largest, the first and last (by event time), how often each value occurred, the distinct values.
 * Only the fields a kind reads are kept.
 */
export interface AggregateState {
  n: number;
  s?: number;
  lo?: unknown;
  hi?: unknown;
  f?: [number, unknown];
  l?: [number, unknown];
  /** Value (as JSON) → occurrences, for `mostFrequent`. */
  c?: Record<string, number>;
  /** Distinct values (at most {@link MAX_UNIQUE}), for `unique` and `uniqueCount`. */
  u?: unknown[];
}

/** Distinct values a `unique` trait keeps; more are counted by `uniqueCount` up to this too. */
export const MAX_UNIQUE = 1000;

const numeric = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const less = (a: unknown, b: unknown) => (a as number) < (b as number);

/** Adds one value (of an event at `ts`) to an aggregate. */
export function foldAggregate(
  kind: ComputedTraitKind,
  state: AggregateState | undefined,
  value: unknown,
  ts: number,
): AggregateState {
  const next: AggregateState = state ? { ...state } : { n: 0 };
  switch (kind) {
    case 'count':
      next.n += 1;
      break;
    case 'sum':
    case 'avg': {
      const number = numeric(value);
      if (number === undefined) return next;
      next.n += 1;
      next.s = (next.s ?? 0) + number;
      break;
    }
    case 'min':
    case 'max':
      next.n += 1;
      if (next.lo === undefined || less(value, next.lo)) next.lo = value;
      if (next.hi === undefined || less(next.hi, value)) next.hi = value;
      break;
    case 'first':
    case 'last':
      next.n += 1;
      if (next.f === undefined || ts < next.f[0]) next.f = [ts, value];
      if (next.l === undefined || ts >= next.l[0]) next.l = [ts, value];
      break;
    case 'mostFrequent': {
      next.n += 1;
      const key = JSON.stringify(value);
      next.c = { ...next.c, [key]: (next.c?.[key] ?? 0) + 1 };
      break;
    }
    case 'unique':
    case 'uniqueCount': {
      next.n += 1;
      const key = JSON.stringify(value);
      const seen = next.u ?? [];
      if (seen.length < MAX_UNIQUE && !seen.some((item) => JSON.stringify(item) === key))
        next.u = [...seen, value];
      break;
    }
  }
  return next;
}

/** The trait's value. Ties of `mostFrequent` go to the value seen first. */
export function aggregateValue(kind: ComputedTraitKind, state: AggregateState): unknown {
  switch (kind) {
    case 'count':
      return state.n;
    case 'sum':
      return state.s ?? 0;
    case 'avg':
      return state.s === undefined || state.n === 0 ? null : state.s / state.n;
    case 'min':
      return state.lo ?? null;
    case 'max':
      return state.hi ?? null;
    case 'first':
      return state.f?.[1] ?? null;
    case 'last':
      return state.l?.[1] ?? null;
    case 'mostFrequent': {
      let best: [string, number] | undefined;
      for (const entry of Object.entries(state.c ?? {}))
        if (best === undefined || entry[1] > best[1]) best = entry;
      return best === undefined ? null : JSON.parse(best[0]);
    }
    case 'unique':
      return state.u ?? [];
    case 'uniqueCount':
      return state.u?.length ?? 0;
  }
}
