import type { ConditionAttributes } from './condition-types';

/** A dot path split once, when the condition is compiled, rather than on every evaluation. */
export type AttributePath = readonly string[];

/** Splits `company.plan` into `['company', 'plan']`. A key containing no dot is one step. */
export function parseAttributePath(path: string): AttributePath {
  return path.split('.');
}

/**
 * Reads the value at a dot path, or `null` when any step is missing. As in GrowthBook, a step
 * is followed with the `in` operator, so inherited properties count and arrays are indexed by
 * number (`tags.0`).
 */
export function readAttributePath(attributes: unknown, path: AttributePath): unknown {
  let current: unknown = attributes;
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as string;
    if (current && typeof current === 'object' && step in current) {
      current = (current as ConditionAttributes)[step];
    } else {
      return null;
    }
  }
  return current;
}
