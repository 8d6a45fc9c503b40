import type { CxEvent } from '@cx/core';
import { readPath } from '../events/property-path';
import type { EventMatcher, PropertyFilter } from './definition';

/** The event types a funnel looks at. */
export const BEHAVIOUR_TYPES = ['track', 'page', 'screen'] as const;

function holds(filter: PropertyFilter, properties: unknown): boolean {
  const actual = readPath(properties, filter.property);
  switch (filter.op) {
    case 'eq':
      return actual === filter.value;
    case 'neq':
      return actual !== filter.value;
    case 'in':
      return filter.values.some((value) => actual === value);
    case 'gt':
      return typeof actual === 'number' && actual > filter.value;
    case 'gte':
      return typeof actual === 'number' && actual >= filter.value;
    case 'lt':
      return typeof actual === 'number' && actual < filter.value;
    case 'lte':
      return typeof actual === 'number' && actual <= filter.value;
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'notExists':
      return actual === undefined || actual === null;
  }
}

/** True when `event` matches a step or exclusion. */
export function matches(matcher: EventMatcher, event: CxEvent): boolean {
  if (event.type !== matcher.type) return false;
  if (event.type === 'track') {
    if (event.event !== matcher.event) return false;
  } else if (matcher.name !== undefined && (event as { name?: string }).name !== matcher.name) return false;
  const properties = (event as { properties?: unknown }).properties;
  for (const filter of matcher.where) if (!holds(filter, properties)) return false;
  return true;
}

/**
 * The JSON text of a string, number or boolean property, as SQL renders it (`"web"`, `42`,
 * `true`); `null` for anything else, including objects, arrays and JSON null. Breakdown and
 * held values are compared in this form by both implementations.
 */
export function scalarJson(value: unknown): string | null {
  const kind = typeof value;
  return kind === 'string' || kind === 'number' || kind === 'boolean' ? JSON.stringify(value) : null;
}

/** The label shown for a breakdown value in JSON text form. */
export function breakdownLabel(json: string | null): string {
  if (json === null) return '(none)';
  const value: unknown = JSON.parse(json);
  return typeof value === 'string' ? value : json;
}
