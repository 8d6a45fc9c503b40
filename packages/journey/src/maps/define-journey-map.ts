import { ValidationError } from '@cx/core';
import type { JourneyMapIssue } from './journey-map-issue';
import type { JourneyMap } from './journey-map-types';
import { type ValidateJourneyMapOptions, validateJourneyMap } from './validate-journey-map';

const SHOWN = 5;

function mapValidationError(input: unknown, errors: readonly JourneyMapIssue[]): ValidationError {
  const id = (input as { id?: unknown } | null)?.id;
  const name = typeof id === 'string' ? ` ${id}` : '';
  const summary = errors
    .slice(0, SHOWN)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  const more = errors.length > SHOWN ? ` (and ${errors.length - SHOWN} more)` : '';
  return new ValidationError(`Invalid journey map${name}: ${summary}${more}`, errors);
}

/**
 * Checks a journey map and returns it typed. Throws a `ValidationError` whose `issues` list every
 * error (see {@link validateJourneyMap}); warnings such as `stage_order` do not throw, since a map
 * may describe an unusual path on purpose. Works the same on a map read from JSON.
 *
 * @example
 * ```ts
 * const map = defineJourneyMap({
 *   id: 'shop',
 *   name: 'Online shop',
 *   stages: [
 *     { id: 'consider', name: 'Consider', kind: 'consideration',
 *       touchpoints: [{ id: 'pdp', name: 'Product page', channel: 'web', events: [{ event: 'Product Viewed' }] }] },
 *     { id: 'buy', name: 'Buy', kind: 'purchase', emotion: { source: 'manual', score: 1 },
 *       touchpoints: [{ id: 'order', name: 'Order', events: [{ event: 'Order Completed' }] }] },
 *   ],
 * });
 * ```
 */
export function defineJourneyMap(input: JourneyMap, options: ValidateJourneyMapOptions = {}): JourneyMap {
  const errors = validateJourneyMap(input, options).filter((issue) => issue.severity === 'error');
  if (errors.length > 0) throw mapValidationError(input, errors);
  return input;
}

/**
 * {@link defineJourneyMap} for JSON of unknown shape (a file, an HTTP body, a stored row).
 *
 * @example
 * ```ts
 * const map = parseJourneyMap(JSON.parse(readFileSync('shop-map.json', 'utf8')));
 * ```
 */
export function parseJourneyMap(input: unknown, options: ValidateJourneyMapOptions = {}): JourneyMap {
  return defineJourneyMap(input as JourneyMap, options);
}
