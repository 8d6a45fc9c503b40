import { ValidationError } from '@cx/core';
import type { JourneyInput } from './builder-types';
import type { JourneyIssue } from './journey-issue';
import type { JourneyDefinition, JourneyNode } from './journey-types';
import { checkJourneyDefinition, type ValidateJourneyOptions } from './validate-journey';

const SHOWN = 5;

/**
 * The error for a journey with issues: its message names the journey and the first few problems
 * with their paths; `issues` lists them all. What {@link parseJourney} throws, for callers that
 * gather issues themselves (a publish step after {@link checkJourney}).
 *
 * @example
 * ```ts
 * const issues = await checkJourney(journey, { templates });
 * if (issues.length > 0) throw journeyValidationError(journey, issues);
 * ```
 */
export function journeyValidationError(input: unknown, issues: readonly JourneyIssue[]): ValidationError {
  const id = (input as { id?: unknown } | null)?.id;
  const name = typeof id === 'string' ? ` ${id}` : '';
  const summary = issues
    .slice(0, SHOWN)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  const more = issues.length > SHOWN ? ` (and ${issues.length - SHOWN} more)` : '';
  return new ValidationError(`Invalid journey${name}: ${summary}${more}`, issues);
}

/**
 * Validates a journey definition from JSON (a file, an HTTP body, a database row) and returns it
 * typed: the same checks as {@link validateJourney}, schema and graph, all at once.
 *
 * @throws `ValidationError` (code `VALIDATION`) whose `issues` are every {@link JourneyIssue}.
 * @example
 * ```ts
 * const journey = parseJourney(JSON.parse(readFileSync('abandoned-cart.json', 'utf8')));
 * ```
 */
export function parseJourney(input: unknown, options?: ValidateJourneyOptions): JourneyDefinition {
  const { issues, definition } = checkJourneyDefinition(input, options);
  if (definition === undefined) throw journeyValidationError(input, issues);
  return definition;
}

/**
 * Checks a journey written in code and returns its JSON form, which is what is stored and what
 * the engine runs. Synchronous: it runs the schema and graph checks of {@link validateJourney}.
 * Templates given by id and dry renders need a template store; run {@link checkJourney} for those
 * when publishing.
 *
 * With node helpers (or literal ids), `start` and every target are checked at compile time too.
 *
 * @throws `ValidationError` listing every problem with its path (`nodes[3].next`).
 * @example
 * ```ts
 * const welcome = defineJourney({
 *   id: 'welcome',
 *   entry: onEvent('Signed Up'),
 *   start: 'hello',
 *   nodes: [
 *     message('hello', { channels: ['email'], templates: { email: 'welcome-email' } }, 'wait-2d'),
 *     wait('wait-2d', { days: 2 }, 'tips'),
 *     message('tips', { channels: ['email'], templates: { email: 'tips-email' } }, 'done'),
 *     exit('done'),
 *   ],
 * });
 * ```
 */
export function defineJourney<const Nodes extends readonly JourneyNode[]>(
  definition: JourneyInput<Nodes>,
): JourneyDefinition {
  return parseJourney(definition);
}
