import { parseAttributePath, readAttributePath } from './attribute-path';
import { isOperatorObject } from './compile-condition';
import { parseConditionTime, withinWindowMs } from './condition-time';
import type { Condition, ConditionAttributes, SavedGroups } from './condition-types';

/*
 * Only `$withinLast` and `$notWithinLast` measure from now; `$before`, `$after` and `$between`
 * compare with fixed instants, so time alone never changes their result. The walk follows the
 * evaluator's structure (logical operators, `$not`, `$elemMatch`, `$all`, `$size`, condition
 * saved groups) and takes every window it meets, including ones in branches that do not decide
 * the result today: a boundary too early costs one needless re-evaluation, one too late is a
 * wrong membership.
 */

/**
 * The earliest instant after `now` (epoch milliseconds) at which the result of a time-relative
 * operator in `condition` can change for these attributes, or `undefined` when there is none
 * (no `$withinLast`/`$notWithinLast`, or every window has already passed). A segment engine
 * re-evaluates the condition at that instant.
 *
 * For an attribute time `t` and a window `w`, `$withinLast` (now − w ≤ t ≤ now) becomes true at
 * `t` (a time in the future) and false just after `t + w`; `$notWithinLast` (t < now − w)
 * becomes true just after `t + w`. The instant returned is the first whole millisecond at which
 * the result differs, `⌊t + w⌋ + 1`, so evaluating the condition at exactly that `now` sees the
 * change.
 *
 * @param savedGroups Saved groups, to follow `$savedGroup` references to condition groups.
 * @example
 * ```ts
 * const now = Date.parse('2026-01-10T00:00:00Z');
 * const condition = { signedUpAt: { $withinLast: { amount: 7, unit: 'days' } } };
 * conditionTimeBoundary(condition, { signedUpAt: '2026-01-05T00:00:00Z' }, now);
 * // Date.parse('2026-01-12T00:00:00Z') + 1: from then on, signing up is more than 7 days ago
 * ```
 */
export function conditionTimeBoundary(
  condition: Condition,
  attributes: ConditionAttributes,
  now: number,
  savedGroups?: SavedGroups,
): number | undefined {
  let next: number | undefined;
  const consider = (at: number) => {
    if (at > now && (next === undefined || at < next)) next = at;
  };
  const walk = new BoundaryWalk(consider, savedGroups ?? {});
  walk.condition(condition, attributes, new Set());
  return next;
}

class BoundaryWalk {
  constructor(
    private readonly consider: (at: number) => void,
    private readonly groups: SavedGroups,
  ) {}

  condition(condition: unknown, attributes: unknown, visited: ReadonlySet<string>): void {
    if (typeof condition !== 'object' || condition === null) return;
    for (const [key, value] of Object.entries(condition)) {
      if (key === '$and' || key === '$or' || key === '$nor') {
        if (Array.isArray(value)) for (const item of value) this.condition(item, attributes, visited);
      } else if (key === '$not') {
        this.condition(value, attributes, visited);
      } else if (key === '$savedGroup') {
        this.savedGroup(value, attributes, visited);
      } else {
        this.value(value, readAttributePath(attributes, parseAttributePath(key)), visited);
      }
    }
  }

  private savedGroup(reference: unknown, attributes: unknown, visited: ReadonlySet<string>): void {
    const id = (reference as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || visited.has(id) || !Object.hasOwn(this.groups, id)) return;
    const group = this.groups[id] as { type?: unknown; condition?: unknown };
    if (group && !Array.isArray(group) && group.type === 'condition') {
      this.condition(group.condition, attributes, new Set(visited).add(id));
    }
  }

  private value(condition: unknown, actual: unknown, visited: ReadonlySet<string>): void {
    if (!isOperatorObject(condition)) return;
    for (const [op, operand] of Object.entries(condition as object)) {
      switch (op) {
        case '$withinLast':
        case '$notWithinLast':
          this.window(op, operand, actual);
          break;
        case '$not':
          this.value(operand, actual, visited);
          break;
        case '$size':
          if (Array.isArray(actual)) this.value(operand, actual.length, visited);
          break;
        case '$elemMatch':
          if (!Array.isArray(actual) || operand === null || operand === undefined) break;
          for (const element of actual) {
            if (element === null || element === undefined) continue;
            if (isOperatorObject(operand)) this.value(operand, element, visited);
            else this.condition(operand, element, visited);
          }
          break;
        case '$all':
        case '$alli':
          if (!Array.isArray(operand) || !Array.isArray(actual)) break;
          for (const item of operand) for (const element of actual) this.value(item, element, visited);
          break;
      }
    }
  }

  private window(op: string, operand: unknown, actual: unknown): void {
    const window = withinWindowMs(operand);
    const time = parseConditionTime(actual);
    if (window === undefined || time === undefined) return;
    // A time in the future enters the window when now reaches it.
    if (op === '$withinLast') this.consider(Math.ceil(time));
    this.consider(Math.floor(time + window) + 1);
  }
}
