import type { JourneyIssue } from './journey-issue';
import type { JourneyDefinition } from './journey-types';
import { type CheckJourneyTemplatesOptions, checkJourneyTemplates } from './template-checks';
import { validateJourney } from './validate-journey';

/**
 * The publish-time check: {@link validateJourney} (schema, graph, correlation, messages) and
 * {@link checkJourneyTemplates} (templates by id, dry renders against samples), every issue once.
 * Asynchronous because templates are looked up in a store; `defineJourney` stays synchronous and
 * runs only the first half, so a journey can be written at module load and checked against the
 * real templates when it is published.
 *
 * @example
 * ```ts
 * const issues = await checkJourney(abandonedCart, {
 *   templates: createTemplateStore({ storage, workspaceId: 'acme' }),
 *   sampleEntry: { cartId: 'c-1', productName: 'Áo dài', total: 1_990_000 },
 *   sampleTraits: { firstName: 'Lan' },
 * });
 * if (issues.length > 0) throw new Error(issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n'));
 * ```
 */
export async function checkJourney(
  definition: JourneyDefinition | Record<string, unknown>,
  options: CheckJourneyTemplatesOptions = {},
): Promise<JourneyIssue[]> {
  const issues = validateJourney(definition, options);
  issues.push(...(await checkJourneyTemplates(definition as JourneyDefinition, options)));
  // Inline templates are checked statically by both halves; keep each finding once.
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.code}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
