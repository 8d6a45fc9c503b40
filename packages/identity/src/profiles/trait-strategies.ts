import { isDeepStrictEqual } from 'node:util';
import type { TraitStrategy } from '../config/identity-config';
import { laterOf, type TraitChange, type TraitMeta } from './profile-state';

/*
 * Trait conflict strategies. Each decides, for an incoming value or for two profiles being
 * merged, which value a trait ends up with. All of them are commutative over event time, so
 * applying a batch's updates after its identity changes gives the same result as applying them
 * one by one.
 */

const isEmpty = (value: unknown) =>
  value === null ||
  value === undefined ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

const rankOf = (sources: readonly string[], source: string) => {
  const index = sources.indexOf(source);
  return index === -1 ? sources.length : index;
};

const union = (a: unknown, b: unknown): unknown[] => {
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (const item of [
    ...(Array.isArray(a) ? a : a === undefined ? [] : [a]),
    ...(Array.isArray(b) ? b : [b]),
  ]) {
    const key = JSON.stringify(item);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(item);
    }
  }
  return out;
};

const byTime = (a: TraitChange, b: TraitChange) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

const toNumber = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** True when `incoming` should replace `current` under a choose-one strategy. */
function prefers(strategy: TraitStrategy, current: TraitChange, incoming: TraitChange): boolean {
  if (typeof strategy === 'object') {
    const a = rankOf(strategy.sources, current.source);
    const b = rankOf(strategy.sources, incoming.source);
    return b < a || (b === a && incoming.at >= current.at);
  }
  switch (strategy) {
    case 'oldest':
      return incoming.at < current.at;
    case 'non-empty':
      if (isEmpty(incoming.value)) return isEmpty(current.value) && incoming.at >= current.at;
      return isEmpty(current.value) || incoming.at >= current.at;
    default:
      return incoming.at >= current.at;
  }
}

const withHistory = (meta: TraitMeta, previous: TraitChange, limit: number): TraitChange[] => {
  const history = [...meta.history, previous];
  return history.length > limit ? history.slice(history.length - limit) : history;
};

/**
 * Applies one incoming value to a trait. Returns the new metadata, or `undefined` when the trait
 * does not change (an older value under `latest`, an equal value).
 */
export function applyTraitUpdate(
  current: TraitMeta | undefined,
  incoming: TraitChange,
  strategy: TraitStrategy,
  historyLimit: number,
): TraitMeta | undefined {
  if (current === undefined) {
    const value = strategy === 'union' ? union(undefined, incoming.value) : incoming.value;
    return { ...incoming, value, history: [] };
  }
  let value: unknown;
  if (strategy === 'sum') value = toNumber(current.value) + toNumber(incoming.value);
  else if (strategy === 'union') value = union(current.value, incoming.value);
  else if (prefers(strategy, current, incoming)) value = incoming.value;
  else return undefined;
  // An equal value changes nothing, not even the time: sources re-send the same traits on every
  // identify, and a write per call is not worth the rare late event it would guard against.
  if (isDeepStrictEqual(value, current.value)) return undefined;
  const previous: TraitChange = { value: current.value, at: current.at, source: current.source };
  return {
    value,
    at: strategy === 'oldest' ? current.at : incoming.at,
    source: incoming.source,
    history: withHistory(current, previous, historyLimit),
  };
}

/** Combines a trait of two profiles being merged (`into` keeps its value on a tie). */
export function mergeTrait(
  into: TraitMeta | undefined,
  from: TraitMeta | undefined,
  strategy: TraitStrategy,
  historyLimit: number,
): TraitMeta | undefined {
  if (from === undefined) return into;
  if (into === undefined) return from;
  const history = [...into.history, ...from.history].sort(byTime);
  const trim = (list: TraitChange[]) =>
    list.length > historyLimit ? list.slice(list.length - historyLimit) : list;
  if (strategy === 'sum') {
    const at = laterOf(into.at, from.at);
    return {
      value: toNumber(into.value) + toNumber(from.value),
      at,
      source: into.source,
      history: trim(history),
    };
  }
  if (strategy === 'union') {
    const at = laterOf(into.at, from.at);
    return { value: union(into.value, from.value), at, source: into.source, history: trim(history) };
  }
  const fromWins = prefers(strategy, into, from) && !(strategy !== 'oldest' && from.at === into.at);
  const [winner, loser] = fromWins ? [from, into] : [into, from];
  const lost: TraitChange = { value: loser.value, at: loser.at, source: loser.source };
  return {
    value: winner.value,
    at: winner.at,
    source: winner.source,
    history: trim([...history, lost].sort(byTime)),
  };
}
