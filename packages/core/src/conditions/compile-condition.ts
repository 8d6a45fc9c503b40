import { parseAttributePath, readAttributePath } from './attribute-path';
import { paddedVersionString } from './compare-versions';
import { betweenRange, parseConditionTime, withinWindowMs } from './condition-time';
import type { Condition, ConditionAttributes, SavedGroups } from './condition-types';

/*
 * The condition engine. A condition is compiled once into nested closures, so the hot path
 * (one evaluation per user per experiment or per event per segment) does no key parsing, path
 * splitting, JSON encoding of literals or regex building. The semantics are GrowthBook's
 * `mongrule.ts` line by line, including its quirks (string literals compare with `value + ""`,
 * numbers with `value * 1`, `$in` on an array attribute is an intersection, an unknown value
 * operator is `false`, an unknown top-level `$key` is read as an attribute path). The
 * differential test in @cx/abtest checks this against the GrowthBook SDK itself.
 *
 * cx's own string and date operators (`$contains`, `$eqi`, `$before`, `$withinLast`, ...) come
 * on top. `now` is passed down as an argument rather than read by each operator, so one
 * evaluation sees one instant, and `Date.now()` is read only by conditions that need it.
 */

/** Groups already being resolved by `$savedGroup`, to stop cycles. */
type Visited = ReadonlySet<string>;
type Predicate = (attributes: unknown, groups: SavedGroups, visited: Visited, now: number) => boolean;
type ValuePredicate = (value: unknown, groups: SavedGroups, visited: Visited, now: number) => boolean;

/** What compiling found out about a condition. */
interface Compiling {
  /** The condition reads the clock (`$withinLast`, `$notWithinLast`, or a saved group that might). */
  clock: boolean;
}

const NO_GROUPS: SavedGroups = Object.freeze({}) as SavedGroups;
const NOT_VISITED: Visited = new Set<string>();
const ALWAYS: Predicate = () => true;
const NEVER: ValuePredicate = () => false;

/**
 * A compiled condition: call it with the attributes (and saved groups, when the condition uses
 * `$inGroup`, `$notInGroup` or `$savedGroup`). `now` (epoch milliseconds) is the instant
 * `$withinLast` and `$notWithinLast` measure from; it defaults to `Date.now()`, read at each call.
 */
export type CompiledCondition = (
  attributes: ConditionAttributes,
  savedGroups?: SavedGroups,
  now?: number,
) => boolean;

/**
 * Compiles a condition into a predicate, for evaluating it many times. Semantics are those of
 * {@link evalCondition}; saved groups are read at call time, so they may change between calls.
 *
 * @example
 * ```ts
 * const isAdultInVietnam = compileCondition({ country: 'VN', age: { $gte: 18 } });
 * isAdultInVietnam({ country: 'VN', age: 30 }); // true
 * ```
 */
export function compileCondition(condition: Condition): CompiledCondition {
  const compiling: Compiling = { clock: false };
  const predicate = compileConditionObject(condition, compiling);
  if (!compiling.clock) {
    return (attributes, savedGroups, now) =>
      predicate(attributes, savedGroups || NO_GROUPS, NOT_VISITED, now ?? 0);
  }
  return (attributes, savedGroups, now) =>
    predicate(attributes, savedGroups || NO_GROUPS, NOT_VISITED, now ?? Date.now());
}

function compileConditionObject(condition: unknown, compiling: Compiling): Predicate {
  const parts: Predicate[] = [];
  for (const [key, value] of Object.entries(condition as object)) {
    parts.push(compileEntry(key, value, compiling));
  }
  if (parts.length === 0) return ALWAYS;
  if (parts.length === 1) return parts[0] as Predicate;
  return (attributes, groups, visited, now) => {
    for (let i = 0; i < parts.length; i++) {
      if (!(parts[i] as Predicate)(attributes, groups, visited, now)) return false;
    }
    return true;
  };
}

function compileEntry(key: string, value: unknown, compiling: Compiling): Predicate {
  switch (key) {
    case '$or': {
      const list = compileList(value, compiling);
      if (list === null) return ALWAYS;
      return (attributes, groups, visited, now) => {
        for (let i = 0; i < list.length; i++) {
          if ((list[i] as Predicate)(attributes, groups, visited, now)) return true;
        }
        return false;
      };
    }
    case '$nor': {
      const list = compileList(value, compiling);
      if (list === null) return () => false;
      return (attributes, groups, visited, now) => {
        for (let i = 0; i < list.length; i++) {
          if ((list[i] as Predicate)(attributes, groups, visited, now)) return false;
        }
        return true;
      };
    }
    case '$and': {
      const list = compileList(value, compiling) ?? [];
      return (attributes, groups, visited, now) => {
        for (let i = 0; i < list.length; i++) {
          if (!(list[i] as Predicate)(attributes, groups, visited, now)) return false;
        }
        return true;
      };
    }
    case '$not': {
      const inner = compileConditionObject(value ?? {}, compiling);
      return (attributes, groups, visited, now) => !inner(attributes, groups, visited, now);
    }
    case '$savedGroup':
      // A condition group is compiled when first used and may read the clock.
      compiling.clock = true;
      return (attributes, groups, visited, now) => evalSavedGroup(attributes, value, groups, visited, now);
    default: {
      const path = parseAttributePath(key);
      const test = compileValue(value, false, compiling);
      return (attributes, groups, visited, now) =>
        test(readAttributePath(attributes, path), groups, visited, now);
    }
  }
}

/**
 * Compiles the sub-conditions of `$or`/`$nor`/`$and`. `null` stands for GrowthBook's
 * "empty list" case: an empty `$or` passes and an empty `$nor` fails.
 */
function compileList(value: unknown, compiling: Compiling): Predicate[] | null {
  const list = (value ?? []) as ArrayLike<unknown>;
  if (!list.length) return null;
  const out: Predicate[] = [];
  for (let i = 0; i < list.length; i++) out.push(compileConditionObject(list[i] ?? {}, compiling));
  return out;
}

const compiledGroupConditions = new WeakMap<object, Predicate>();

function evalSavedGroup(
  attributes: unknown,
  reference: unknown,
  groups: SavedGroups,
  visited: Visited,
  now: number,
): boolean {
  if (!reference || typeof reference !== 'object' || Array.isArray(reference)) return false;
  const { id, attributeKey } = reference as { id?: unknown; attributeKey?: unknown };
  if (typeof id !== 'string' || visited.has(id)) return false;
  // Falling back to the group's own attribute would test a different population.
  if (attributeKey !== undefined && typeof attributeKey !== 'string') return false;
  const entry = (groups as Record<string, unknown>)[id] as Record<string, unknown> | undefined;
  if (!entry || Array.isArray(entry) || typeof entry !== 'object') return false;
  if (entry.type === 'list') {
    const key = attributeKey ?? entry.attributeKey;
    if (typeof key !== 'string' || !Array.isArray(entry.values)) return false;
    return isIn(readAttributePath(attributes, parseAttributePath(key)), entry.values);
  }
  if (entry.type === 'condition') {
    const condition = entry.condition;
    if (!condition || typeof condition !== 'object') return false;
    let predicate = compiledGroupConditions.get(condition);
    if (predicate === undefined) {
      predicate = compileConditionObject(condition, { clock: true });
      compiledGroupConditions.set(condition, predicate);
    }
    return predicate(attributes, groups, new Set(visited).add(id), now);
  }
  return false;
}

/** True for a non-empty object whose keys all start with `$`: an operator object. */
export function isOperatorObject(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  const keys = Object.keys(value);
  if (keys.length === 0) return false;
  for (const key of keys) if (key[0] !== '$') return false;
  return true;
}

function compileValue(condition: unknown, insensitive: boolean, compiling: Compiling): ValuePredicate {
  if (typeof condition === 'string') {
    if (insensitive) {
      const lower = condition.toLowerCase();
      return (value) => String(value).toLowerCase() === lower;
    }
    // GrowthBook coerces with `+ ""` (valueOf first), not String() (toString first).
    return (value) => value + '' === condition;
  }
  if (typeof condition === 'number') return (value) => (value as number) * 1 === condition;
  if (typeof condition === 'boolean') return (value) => value !== null && !!value === condition;
  if (condition === null) return (value) => value === null;
  if (Array.isArray(condition) || !isOperatorObject(condition)) {
    const json = JSON.stringify(condition);
    return (value) => JSON.stringify(value) === json;
  }
  const tests: ValuePredicate[] = [];
  for (const op of Object.keys(condition as object)) {
    tests.push(compileOperator(op, (condition as Record<string, unknown>)[op], compiling));
  }
  if (tests.length === 1) return tests[0] as ValuePredicate;
  return (value, groups, visited, now) => {
    for (let i = 0; i < tests.length; i++) {
      if (!(tests[i] as ValuePredicate)(value, groups, visited, now)) return false;
    }
    return true;
  };
}

type Loose = number;

function compileOperator(operator: string, expected: unknown, compiling: Compiling): ValuePredicate {
  switch (operator) {
    case '$veq':
    case '$vne':
    case '$vgt':
    case '$vgte':
    case '$vlt':
    case '$vlte':
      return compileVersionOperator(operator, paddedVersionString(expected));
    case '$eq':
      return (actual) => actual === expected;
    case '$ne':
      return (actual) => actual !== expected;
    // JavaScript's own relational comparison, as GrowthBook: strings compare by code unit, mixed types coerce.
    case '$lt':
      return (actual) => (actual as Loose) < (expected as Loose);
    case '$lte':
      return (actual) => (actual as Loose) <= (expected as Loose);
    case '$gt':
      return (actual) => (actual as Loose) > (expected as Loose);
    case '$gte':
      return (actual) => (actual as Loose) >= (expected as Loose);
    case '$exists':
      return expected ? (actual) => actual !== null && actual !== undefined : (actual) => actual == null;
    case '$in': {
      if (!Array.isArray(expected)) return NEVER;
      // A Set uses SameValueZero, exactly like Array.prototype.includes.
      const set = new Set<unknown>(expected);
      return (actual) => isInSet(actual, set);
    }
    case '$nin': {
      if (!Array.isArray(expected)) return NEVER;
      const set = new Set<unknown>(expected);
      return (actual) => !isInSet(actual, set);
    }
    case '$ini':
      if (!Array.isArray(expected)) return NEVER;
      return (actual) => isInInsensitive(actual, expected);
    case '$nini':
      if (!Array.isArray(expected)) return NEVER;
      return (actual) => !isInInsensitive(actual, expected);
    case '$inGroup':
      return (actual, groups) => {
        const values = savedGroupValues(groups, expected);
        return values === null ? false : isIn(actual, values);
      };
    case '$notInGroup':
      // A group that is not a list matches nobody: treating it as empty would pass everyone.
      return (actual, groups) => {
        const values = savedGroupValues(groups, expected);
        return values === null ? false : !isIn(actual, values);
      };
    case '$not': {
      const inner = compileValue(expected, false, compiling);
      return (actual, groups, visited, now) => !inner(actual, groups, visited, now);
    }
    case '$size': {
      const inner = compileValue(expected, false, compiling);
      return (actual, groups, visited, now) =>
        Array.isArray(actual) && inner(actual.length, groups, visited, now);
    }
    case '$elemMatch':
      return compileElemMatch(expected, compiling);
    case '$all':
    case '$alli':
      return compileAll(expected, operator === '$alli', compiling);
    case '$regex':
    case '$regexi':
      return compileRegex(expected, operator === '$regexi');
    case '$type':
      return (actual) => typeName(actual) === expected;
    case '$contains':
    case '$containsi':
    case '$startsWith':
    case '$startsWithi':
    case '$endsWith':
    case '$endsWithi':
    case '$eqi':
    case '$nei':
      return compileStringOperator(operator, expected);
    case '$before':
    case '$after':
    case '$between':
      return compileDateOperator(operator, expected);
    case '$withinLast':
    case '$notWithinLast':
      compiling.clock = true;
      return compileWindowOperator(operator, expected);
    default:
      // GrowthBook's documented fallback: an unknown operator matches nobody.
      return NEVER;
  }
}

/** cx's string operators: a non-string attribute never matches (`$nei` aside, which negates `$eqi`). */
function compileStringOperator(operator: string, expected: unknown): ValuePredicate {
  if (typeof expected !== 'string') return NEVER;
  const lower = expected.toLowerCase();
  switch (operator) {
    case '$contains':
      return (actual) => typeof actual === 'string' && actual.includes(expected);
    case '$containsi':
      return (actual) => typeof actual === 'string' && actual.toLowerCase().includes(lower);
    case '$startsWith':
      return (actual) => typeof actual === 'string' && actual.startsWith(expected);
    case '$startsWithi':
      return (actual) => typeof actual === 'string' && actual.toLowerCase().startsWith(lower);
    case '$endsWith':
      return (actual) => typeof actual === 'string' && actual.endsWith(expected);
    case '$endsWithi':
      return (actual) => typeof actual === 'string' && actual.toLowerCase().endsWith(lower);
    case '$eqi':
      return (actual) => typeof actual === 'string' && actual.toLowerCase() === lower;
    default:
      return (actual) => !(typeof actual === 'string' && actual.toLowerCase() === lower);
  }
}

/** `$before`, `$after`, `$between`: absolute instants, so the result never changes with time alone. */
function compileDateOperator(operator: string, expected: unknown): ValuePredicate {
  if (operator === '$between') {
    const range = betweenRange(expected);
    if (range === undefined) return NEVER;
    const [from, to] = range;
    return (actual) => {
      const time = parseConditionTime(actual);
      return time !== undefined && time >= from && time < to;
    };
  }
  const bound = parseConditionTime(expected);
  if (bound === undefined) return NEVER;
  if (operator === '$before') {
    return (actual) => {
      const time = parseConditionTime(actual);
      return time !== undefined && time < bound;
    };
  }
  return (actual) => {
    const time = parseConditionTime(actual);
    return time !== undefined && time > bound;
  };
}

/** `$withinLast` (now − window ≤ time ≤ now) and `$notWithinLast` (time < now − window). */
function compileWindowOperator(operator: string, expected: unknown): ValuePredicate {
  const window = withinWindowMs(expected);
  if (window === undefined) return NEVER;
  if (operator === '$withinLast') {
    return (actual, _groups, _visited, now) => {
      const time = parseConditionTime(actual);
      return time !== undefined && time >= now - window && time <= now;
    };
  }
  return (actual, _groups, _visited, now) => {
    const time = parseConditionTime(actual);
    return time !== undefined && time < now - window;
  };
}

function compileVersionOperator(operator: string, expected: string): ValuePredicate {
  switch (operator) {
    case '$veq':
      return (actual) => paddedVersionString(actual) === expected;
    case '$vne':
      return (actual) => paddedVersionString(actual) !== expected;
    case '$vgt':
      return (actual) => paddedVersionString(actual) > expected;
    case '$vgte':
      return (actual) => paddedVersionString(actual) >= expected;
    case '$vlt':
      return (actual) => paddedVersionString(actual) < expected;
    default:
      return (actual) => paddedVersionString(actual) <= expected;
  }
}

function compileElemMatch(expected: unknown, compiling: Compiling): ValuePredicate {
  let check: ValuePredicate;
  if (isOperatorObject(expected)) {
    check = compileValue(expected, false, compiling);
  } else if (expected === null || expected === undefined) {
    return NEVER;
  } else {
    check = compileConditionObject(expected, compiling);
  }
  return (actual, groups, visited, now) => {
    if (!Array.isArray(actual)) return false;
    for (let i = 0; i < actual.length; i++) {
      const element: unknown = actual[i];
      // Only nullish elements are skipped: 0, '' and false are real members.
      if (element !== null && element !== undefined && check(element, groups, visited, now)) return true;
    }
    return false;
  };
}

function compileAll(expected: unknown, insensitive: boolean, compiling: Compiling): ValuePredicate {
  if (!Array.isArray(expected)) return NEVER;
  const tests = expected.map((item) => compileValue(item, insensitive, compiling));
  return (actual, groups, visited, now) => {
    if (!Array.isArray(actual)) return false;
    for (let i = 0; i < tests.length; i++) {
      const test = tests[i] as ValuePredicate;
      let passed = false;
      for (let j = 0; j < actual.length; j++) {
        if (test(actual[j], groups, visited, now)) {
          passed = true;
          break;
        }
      }
      if (!passed) return false;
    }
    return true;
  };
}

function compileRegex(expected: unknown, insensitive: boolean): ValuePredicate {
  if (typeof expected !== 'string') return NEVER;
  let regex: RegExp;
  try {
    // GrowthBook escapes unescaped slashes so patterns copied from `/.../` literals still work.
    regex = new RegExp(expected.replace(/([^\\])\//g, '$1\\/'), insensitive ? 'i' : undefined);
  } catch {
    return NEVER;
  }
  return (actual) => {
    try {
      return regex.test(actual as string);
    } catch {
      return false;
    }
  };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' ||
    type === 'number' ||
    type === 'boolean' ||
    type === 'object' ||
    type === 'undefined'
    ? type
    : 'unknown';
}

function isInSet(actual: unknown, expected: ReadonlySet<unknown>): boolean {
  if (Array.isArray(actual)) {
    for (let i = 0; i < actual.length; i++) if (expected.has(actual[i])) return true;
    return false;
  }
  return expected.has(actual);
}

function isIn(actual: unknown, expected: readonly unknown[]): boolean {
  if (Array.isArray(actual)) return actual.some((element) => expected.includes(element));
  return expected.includes(actual);
}

const caseFold = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);

function isInInsensitive(actual: unknown, expected: readonly unknown[]): boolean {
  if (Array.isArray(actual)) {
    return actual.some((element) => expected.some((item) => caseFold(element) === caseFold(item)));
  }
  return expected.some((item) => caseFold(actual) === caseFold(item));
}

/**
 * The values of a list group for `$inGroup`/`$notInGroup`: an unknown id behaves like an empty
 * list (as it always has in GrowthBook); a condition group or malformed entry gives `null`.
 */
function savedGroupValues(groups: SavedGroups, id: unknown): readonly unknown[] | null {
  const entry = (groups as Record<string, unknown>)[id as string] as unknown;
  if (entry === undefined) return [];
  if (Array.isArray(entry)) return entry;
  if (entry && typeof entry === 'object' && (entry as { type?: unknown }).type === 'list') {
    const values = (entry as { values?: unknown }).values;
    return Array.isArray(values) ? values : null;
  }
  return null;
}
