import type { Condition } from '@cx/core/conditions';
import type { PropertyFilter } from '@cx/metrics';

// `@cx/metrics`' property path pattern: only such paths can become SQL JSON paths.
const PROPERTY_PATH = /^[A-Za-z0-9_$ -]{1,128}(\.[A-Za-z0-9_$ -]{1,128}){0,7}$/;

type Primitive = string | number | boolean;
const isPrimitive = (value: unknown): value is Primitive =>
  typeof value === 'string' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  typeof value === 'boolean';

const COMPARISONS = { $gt: 'gt', $gte: 'gte', $lt: 'lt', $lte: 'lte' } as const;

function operatorFilters(property: string, operators: Record<string, unknown>): PropertyFilter[] | null {
  const filters: PropertyFilter[] = [];
  for (const [op, operand] of Object.entries(operators)) {
    if ((op === '$eq' || op === '$ne') && isPrimitive(operand))
      filters.push({ property, op: op === '$eq' ? 'eq' : 'neq', value: operand });
    else if (op in COMPARISONS && typeof operand === 'number' && Number.isFinite(operand))
      filters.push({ property, op: COMPARISONS[op as keyof typeof COMPARISONS], value: operand });
    else if (op === '$exists' && typeof operand === 'boolean')
      filters.push({ property, op: operand ? 'exists' : 'notExists' });
    else return null;
  }
  return filters;
}

/**
 * A condition of the shared language as `@cx/metrics` property filters, when it is a plain
 * conjunction they can express: literals, `$eq`, `$ne`, numeric `$gt`…`$lte` and `$exists` on
 * property paths. Anything else (`$or`, `$in`, regexes, arrays) gives `null`, and the map is then
 * measured by streaming, where the condition language itself decides.
 *
 * @example
 * ```ts
 * conditionFilters({ utm_source: 'newsletter', score: { $gte: 9 } });
 * // [{ property: 'utm_source', op: 'eq', value: 'newsletter' }, { property: 'score', op: 'gte', value: 9 }]
 * ```
 */
export function conditionFilters(condition: Condition | undefined): PropertyFilter[] | null {
  if (condition === undefined) return [];
  const filters: PropertyFilter[] = [];
  for (const [property, value] of Object.entries(condition)) {
    if (property.startsWith('$') || !PROPERTY_PATH.test(property)) return null;
    if (isPrimitive(value)) {
      filters.push({ property, op: 'eq', value });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const operators = value as Record<string, unknown>;
    if (!Object.keys(operators).every((key) => key.startsWith('$'))) return null;
    const converted = operatorFilters(property, operators);
    if (converted === null) return null;
    filters.push(...converted);
  }
  return filters;
}
