import type { JourneyIssue } from './journey-issue';

/**
 * Goals and exit criteria share one id space: an instance's outcome names the one that ended it,
 * and a report of conversions by outcome must not mix two of them.
 *
 * @example
 * ```ts
 * outcomeIssues({ goals: [{ id: 'ordered', … }], exitWhen: [{ id: 'ordered', … }] });
 * // [{ path: 'exitWhen[0].id', code: 'duplicate_id', … }]
 * ```
 */
export function outcomeIssues(definition: unknown): JourneyIssue[] {
  const issues: JourneyIssue[] = [];
  if (typeof definition !== 'object' || definition === null) return issues;
  const seen = new Map<string, string>();
  for (const list of ['goals', 'exitWhen'] as const) {
    const conditions = (definition as Record<string, unknown>)[list];
    if (!Array.isArray(conditions)) continue;
    for (const [index, condition] of conditions.entries()) {
      const id = (condition as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') continue;
      const path = `${list}[${index}]`;
      const first = seen.get(id);
      if (first === undefined) seen.set(id, path);
      else {
        issues.push({
          path: `${path}.id`,
          code: 'duplicate_id',
          message: `${id} is already the id of ${first}: goals and exit criteria need distinct ids`,
        });
      }
    }
  }
  return issues;
}
