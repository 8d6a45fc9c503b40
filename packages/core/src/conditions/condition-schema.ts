import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors/errors';
import { isOperatorObject } from './compile-condition';
import { parseConditionTime, WITHIN_UNITS, WITHIN_UNITS_MS } from './condition-time';
import {
  CONDITION_OPERATORS,
  CONDITION_VALUE_TYPES,
  type Condition,
  LOGICAL_OPERATORS,
} from './condition-types';

/*
 * The strict reading of the condition language. GrowthBook's evaluator is lenient by design
 * (a typo such as `$gtee` silently matches nobody); a backend that stores conditions written by
 * people should refuse them instead, at the moment they are saved. This walker accepts exactly
 * the conditions the evaluator gives a meaning to.
 */

const valueOperators: ReadonlySet<string> = new Set(CONDITION_OPERATORS);
const logicalOperators: ReadonlySet<string> = new Set(LOGICAL_OPERATORS);
const valueTypes: ReadonlySet<string> = new Set(CONDITION_VALUE_TYPES);

/** Machine-readable codes of condition problems, in `ValidationIssue.code`. */
export type ConditionIssueCode = 'unknown_operator' | 'invalid_operand' | 'invalid_condition';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function issue(issues: ValidationIssue[], path: string, code: ConditionIssueCode, message: string): void {
  issues.push({ path, code, message });
}

function checkCondition(condition: unknown, path: string, issues: ValidationIssue[]): void {
  if (!isPlainObject(condition)) {
    issue(issues, path, 'invalid_condition', 'Expected a condition object');
    return;
  }
  for (const [key, value] of Object.entries(condition)) {
    const at = join(path, key);
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(value)) {
        issue(issues, at, 'invalid_operand', `${key} takes an array of conditions`);
        continue;
      }
      for (const [index, item] of value.entries()) checkCondition(item, join(at, index), issues);
    } else if (key === '$not') {
      checkCondition(value, at, issues);
    } else if (key === '$savedGroup') {
      if (
        !isPlainObject(value) ||
        typeof value.id !== 'string' ||
        (value.attributeKey !== undefined && typeof value.attributeKey !== 'string')
      ) {
        issue(issues, at, 'invalid_operand', '$savedGroup takes { id: string, attributeKey?: string }');
      }
    } else if (key.startsWith('$') && !logicalOperators.has(key)) {
      issue(issues, at, 'unknown_operator', `Unknown operator ${key}`);
    } else {
      checkValue(value, at, issues);
    }
  }
}

function checkValue(value: unknown, path: string, issues: ValidationIssue[]): void {
  if (!isPlainObject(value)) return; // literals and arrays compare by equality
  const keys = Object.keys(value);
  const dollar = keys.filter((key) => key.startsWith('$'));
  if (dollar.length > 0 && dollar.length < keys.length) {
    issue(issues, path, 'invalid_condition', 'Do not mix operators and plain keys in one object');
    return;
  }
  if (!isOperatorObject(value)) return;
  for (const [op, operand] of Object.entries(value)) checkOperator(op, operand, join(path, op), issues);
}

function checkOperator(op: string, operand: unknown, path: string, issues: ValidationIssue[]): void {
  if (!valueOperators.has(op)) {
    issue(issues, path, 'unknown_operator', `Unknown operator ${op}`);
    return;
  }
  const bad = (message: string) => issue(issues, path, 'invalid_operand', message);
  switch (op) {
    case '$in':
    case '$nin':
    case '$ini':
    case '$nini':
      if (!Array.isArray(operand)) bad(`${op} takes an array`);
      return;
    case '$all':
    case '$alli':
      if (!Array.isArray(operand)) bad(`${op} takes an array`);
      else for (const [index, item] of operand.entries()) checkValue(item, join(path, index), issues);
      return;
    case '$inGroup':
    case '$notInGroup':
      if (typeof operand !== 'string') bad(`${op} takes a saved group id`);
      return;
    case '$regex':
    case '$regexi':
      if (typeof operand !== 'string') bad(`${op} takes a string`);
      else {
        try {
          new RegExp(operand);
        } catch {
          bad(`${op} is not a valid regular expression`);
        }
      }
      return;
    case '$exists':
      if (typeof operand !== 'boolean') bad('$exists takes true or false');
      return;
    case '$type':
      if (typeof operand !== 'string' || !valueTypes.has(operand)) {
        bad(`$type takes one of ${CONDITION_VALUE_TYPES.join(', ')}`);
      }
      return;
    case '$size':
    case '$not':
      checkValue(operand, path, issues);
      return;
    case '$elemMatch':
      if (isOperatorObject(operand)) checkValue(operand, path, issues);
      else checkCondition(operand, path, issues);
      return;
    case '$veq':
    case '$vne':
    case '$vgt':
    case '$vgte':
    case '$vlt':
    case '$vlte':
      if (typeof operand !== 'string' && typeof operand !== 'number') bad(`${op} takes a version string`);
      return;
    case '$contains':
    case '$containsi':
    case '$startsWith':
    case '$startsWithi':
    case '$endsWith':
    case '$endsWithi':
    case '$eqi':
    case '$nei':
      if (typeof operand !== 'string') bad(`${op} takes a string`);
      return;
    case '$before':
    case '$after':
      if (parseConditionTime(operand) === undefined) bad(`${op} takes ${A_TIME}, got ${shown(operand)}`);
      return;
    case '$between':
      checkBetween(operand, bad);
      return;
    case '$withinLast':
    case '$notWithinLast':
      checkWindow(op, operand, bad);
      return;
    default:
      if (typeof operand === 'object' && operand !== null) bad(`${op} takes a string, number or boolean`);
  }
}

const A_TIME =
  'a time: an ISO 8601 date (2026-01-31), date-time with a zone (2026-01-31T09:00:00Z) or epoch milliseconds';

/** A short rendering of a bad operand for messages. */
function shown(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // JSON would say null
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function checkBetween(operand: unknown, bad: (message: string) => void): void {
  if (!Array.isArray(operand) || operand.length !== 2) {
    bad('$between takes [from, to]: two times, from inclusive, to exclusive');
    return;
  }
  const from = parseConditionTime(operand[0]);
  const to = parseConditionTime(operand[1]);
  if (from === undefined) bad(`$between's from must be ${A_TIME}, got ${shown(operand[0])}`);
  else if (to === undefined) bad(`$between's to must be ${A_TIME}, got ${shown(operand[1])}`);
  else if (from > to) bad(`$between's from (${shown(operand[0])}) is after its to (${shown(operand[1])})`);
}

function checkWindow(op: string, operand: unknown, bad: (message: string) => void): void {
  const shape = `${op} takes { amount, unit } with amount > 0 and unit one of ${WITHIN_UNITS.join(', ')}`;
  if (!isPlainObject(operand)) {
    bad(shape);
    return;
  }
  const extra = Object.keys(operand).filter((key) => key !== 'amount' && key !== 'unit');
  if (extra.length > 0) {
    bad(`${shape}; unexpected ${extra.join(', ')}`);
    return;
  }
  const { amount, unit } = operand;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
    bad(`${op}.amount must be a number greater than 0, got ${shown(amount)}`);
  } else if (typeof unit !== 'string' || !Object.hasOwn(WITHIN_UNITS_MS, unit)) {
    // Months and years vary in length, so a window of them would have no single meaning.
    const hint =
      typeof unit === 'string' && /month|year/i.test(unit)
        ? ' (months and years vary in length: use days)'
        : '';
    bad(`${op}.unit must be one of ${WITHIN_UNITS.join(', ')}, got ${shown(unit)}${hint}`);
  }
}

/**
 * Every problem of a condition under the strict reading, or `[]` when it is valid. Issue codes
 * are {@link ConditionIssueCode}s and paths are dotted (`$or[1].age.$gtee`).
 */
export function findConditionIssues(condition: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  checkCondition(condition, '', issues);
  return issues;
}

/**
 * A zod schema for a condition under the strict reading, to embed in other schemas (segment
 * and experiment definitions). Unknown operators and mistyped operands are zod issues at their path.
 */
export const conditionSchema: z.ZodType<Condition> = z.custom<Condition>().superRefine((value, ctx) => {
  for (const found of findConditionIssues(value)) {
    ctx.addIssue({
      code: 'custom',
      message: found.message,
      path: found.path === '' ? [] : [found.path],
      params: { conditionIssue: found.code },
    });
  }
});

/**
 * Validates a condition strictly and returns it typed. Where GrowthBook's evaluator falls back
 * to "does not match" for an unknown operator (so a typo silently excludes everyone), this
 * throws, so a bad rule is refused when it is saved rather than discovered in production.
 *
 * @throws `ValidationError` (code `VALIDATION`) whose `issues` have codes `unknown_operator`,
 *   `invalid_operand` or `invalid_condition`.
 * @example
 * ```ts
 * parseCondition({ age: { $gte: 18 } }); // ok
 * parseCondition({ age: { $gtee: 18 } }); // throws ValidationError: age.$gtee: Unknown operator $gtee
 * ```
 */
export function parseCondition(input: unknown, what = 'condition'): Condition {
  const issues = findConditionIssues(input);
  if (issues.length > 0) {
    const summary = issues
      .slice(0, 5)
      .map((found) => (found.path ? `${found.path}: ${found.message}` : found.message))
      .join('; ');
    throw new ValidationError(`Invalid ${what}: ${summary}`, issues);
  }
  return input as Condition;
}
