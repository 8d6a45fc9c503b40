/**
 * `@cx/core/conditions`: the condition language shared by experiment targeting, segments,
 * journey branches and channel rules. It is GrowthBook's targeting language (MongoDB-style
 * operators over dot paths), with the same semantics, plus a strict validator.
 *
 * cx adds operators beyond GrowthBook's ({@link CX_CONDITION_OPERATORS}): `$contains`,
 * `$startsWith`, `$endsWith` (and `i` forms), `$eqi`/`$nei`, `$before`, `$after`, `$between`,
 * `$withinLast` and `$notWithinLast`. A GrowthBook SDK treats these as unknown operators, which
 * match nobody, so conditions using them belong to cx back ends, not GrowthBook front ends.
 *
 * @packageDocumentation
 */
export { parseAttributePath, readAttributePath } from './attribute-path';
export { compareVersions, paddedVersionString } from './compare-versions';
export { type CompiledCondition, compileCondition, isOperatorObject } from './compile-condition';
export {
  type ConditionIssueCode,
  conditionSchema,
  findConditionIssues,
  parseCondition,
} from './condition-schema';
export {
  betweenRange,
  parseConditionTime,
  WITHIN_UNITS,
  WITHIN_UNITS_MS,
  type WithinUnit,
  type WithinWindow,
  withinWindowMs,
} from './condition-time';
export { conditionTimeBoundary } from './condition-time-boundary';
export {
  CONDITION_OPERATORS,
  CONDITION_VALUE_TYPES,
  type Condition,
  type ConditionAttributes,
  type ConditionOperator,
  type ConditionValue,
  type ConditionValueType,
  CX_CONDITION_OPERATORS,
  GROWTHBOOK_CONDITION_OPERATORS,
  LOGICAL_OPERATORS,
  type LogicalOperator,
  type OperatorCondition,
  type SavedGroup,
  type SavedGroupReference,
  type SavedGroups,
} from './condition-types';
export { evalCondition } from './evaluate-condition';
