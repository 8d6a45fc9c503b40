/**
 * The attributes a condition is tested against: a user's traits, an event's properties, a
 * device's context. Nested objects are reached with dot paths (`company.plan`).
 */
export type ConditionAttributes = Record<string, unknown>;

/**
 * The operators shared with GrowthBook's `mongrule` (itself a subset of MongoDB's query
 * language), so a condition written for a GrowthBook SDK means the same thing here. The `i`
 * suffix (`$ini`, `$nini`, `$alli`, `$regexi`) is case-insensitive.
 */
export const GROWTHBOOK_CONDITION_OPERATORS = [
  '$eq',
  '$ne',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$in',
  '$ini',
  '$nin',
  '$nini',
  '$all',
  '$alli',
  '$elemMatch',
  '$size',
  '$exists',
  '$type',
  '$not',
  '$regex',
  '$regexi',
  '$inGroup',
  '$notInGroup',
  '$veq',
  '$vne',
  '$vgt',
  '$vgte',
  '$vlt',
  '$vlte',
] as const;

/**
 * Operators cx adds beyond GrowthBook's. A GrowthBook SDK treats them as unknown operators,
 * which match nobody, so do not send conditions using them to GrowthBook front ends.
 *
 * - Strings: `$contains`, `$startsWith`, `$endsWith` and their case-insensitive `i` forms
 *   (`$containsi`, ...), and `$eqi`/`$nei` (equality ignoring case). The operand is a string; an
 *   attribute that is not a string never matches (so `$nei` matches it).
 * - Dates: `$before`, `$after` (strictly), `$between: [from, to]` (from inclusive, to exclusive),
 *   `$withinLast: { amount, unit }` (now − window ≤ time ≤ now) and `$notWithinLast` (time < now −
 *   window: "more than N days ago"). Times are ISO 8601 strings or epoch milliseconds (see
 *   `parseConditionTime`); units are minutes, hours, days and weeks, never months, whose length
 *   varies. An attribute that is not a valid time never matches.
 */
export const CX_CONDITION_OPERATORS = [
  '$contains',
  '$containsi',
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
  '$eqi',
  '$nei',
  '$before',
  '$after',
  '$between',
  '$withinLast',
  '$notWithinLast',
] as const;

/** Every operator the condition language knows: GrowthBook's, then cx's own. */
export const CONDITION_OPERATORS = [...GROWTHBOOK_CONDITION_OPERATORS, ...CX_CONDITION_OPERATORS] as const;

/** One value operator, such as `$gte` or `$vgt`. */
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Operators that combine whole conditions, used as top-level keys. */
export const LOGICAL_OPERATORS = ['$and', '$or', '$nor', '$not', '$savedGroup'] as const;

/** One logical operator. */
export type LogicalOperator = (typeof LOGICAL_OPERATORS)[number];

/** The names `$type` accepts. */
export const CONDITION_VALUE_TYPES = [
  'string',
  'number',
  'boolean',
  'array',
  'object',
  'null',
  'undefined',
] as const;

/** A value type tested by `$type`. */
export type ConditionValueType = (typeof CONDITION_VALUE_TYPES)[number];

/** An object of value operators, such as `{ $gte: 18, $lt: 65 }`. */
export type OperatorCondition = { [Op in ConditionOperator]?: unknown };

/**
 * What an attribute path is tested against: a literal (compared for equality), an operator
 * object, or an array or plain object (compared by JSON equality).
 */
export type ConditionValue =
  | string
  | number
  | boolean
  | null
  | OperatorCondition
  | readonly unknown[]
  | { [key: string]: unknown };

/**
 * A condition: attribute paths mapped to values, and logical operators. Every key must hold
 * (an implicit AND). The empty condition `{}` matches everything.
 *
 * @example
 * ```ts
 * const condition: Condition = {
 *   country: { $in: ['VN', 'TH'] },
 *   'app.version': { $vgte: '2.4.0' },
 *   $or: [{ plan: 'pro' }, { seats: { $gt: 10 } }],
 * };
 * ```
 */
export interface Condition {
  $and?: readonly Condition[];
  $or?: readonly Condition[];
  $nor?: readonly Condition[];
  $not?: Condition;
  $savedGroup?: SavedGroupReference;
  [path: string]: unknown;
}

/** A `$savedGroup` reference: one saved group by id, optionally tested on another attribute. */
export interface SavedGroupReference {
  id: string;
  /** Tests this attribute instead of the group's own (list groups only). */
  attributeKey?: string;
}

/**
 * One saved group: a bare list of ids (GrowthBook's v1 shape), a typed list tied to an
 * attribute, or a reusable condition.
 */
export type SavedGroup =
  | readonly (string | number)[]
  | { type: 'list'; attributeKey: string; values: readonly (string | number)[] }
  | { type: 'condition'; condition: Condition };

/** Saved groups by id, used by `$inGroup`, `$notInGroup` and `$savedGroup`. */
export type SavedGroups = Record<string, SavedGroup>;
