/**
 * `@cx/core/conditions`: the condition language shared by experiment targeting, segments,
 * journey branches and channel rules. It is GrowthBook's targeting language (MongoDB-style
 * operators over dot paths), with the same semantics, plus a strict validator.
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
  CONDITION_OPERATORS,
  CONDITION_VALUE_TYPES,
  type Condition,
  type ConditionAttributes,
  type ConditionOperator,
  type ConditionValue,
  type ConditionValueType,
  LOGICAL_OPERATORS,
  type LogicalOperator,
  type OperatorCondition,
  type SavedGroup,
  type SavedGroupReference,
  type SavedGroups,
} from './condition-types';
export { evalCondition } from './evaluate-condition';
