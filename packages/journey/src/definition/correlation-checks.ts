import type { EntryProvides } from './entry-provides';
import type { JourneyIssue } from './journey-issue';

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The `correlate` pairs of one event match that name a correlation key the entry does not
 * provide. Such a wait could never match the right event: the instance has no value to compare.
 */
function checkMatch(
  match: unknown,
  path: string,
  provides: EntryProvides,
  issues: JourneyIssue[],
  node?: string,
): void {
  if (!isObject(match) || match.kind === 'segment' || !isObject(match.correlate)) return;
  for (const [property, key] of Object.entries(match.correlate)) {
    if (typeof key !== 'string' || provides.correlationKeys.has(key)) continue;
    const declare =
      provides.entry.type === 'event' || provides.entry.type === 'api'
        ? `: add it to entry.correlation`
        : `: a ${provides.entry.type} entry has no correlation keys`;
    issues.push({
      path: `${path}.correlate.${property}`,
      code: 'unknown_correlation_key',
      message: `correlation key ${key} is not provided by the entry${declare}`,
      ...(node === undefined ? {} : { node }),
    });
  }
}

/**
 * Correlation problems: every `correlate` of a wait-for node, goal or exit criterion must name a
 * correlation key the entry provides (`entry.correlation` of an event or API entry).
 *
 * @example
 * ```ts
 * correlationIssues(definition, entryProvides(definition.entry)!);
 * // [{ path: 'nodes[1].until.correlate.cartId', code: 'unknown_correlation_key',
 * //    message: 'correlation key cartId is not provided by the entry: add it to entry.correlation' }]
 * ```
 */
export function correlationIssues(definition: unknown, provides: EntryProvides): JourneyIssue[] {
  const issues: JourneyIssue[] = [];
  if (!isObject(definition)) return issues;
  if (Array.isArray(definition.nodes)) {
    for (const [index, node] of definition.nodes.entries()) {
      if (!isObject(node) || node.type !== 'wait-for') continue;
      const id = typeof node.id === 'string' ? node.id : undefined;
      checkMatch(node.until, `nodes[${index}].until`, provides, issues, id);
    }
  }
  for (const list of ['goals', 'exitWhen'] as const) {
    const conditions = definition[list];
    if (!Array.isArray(conditions)) continue;
    for (const [index, condition] of conditions.entries()) {
      checkMatch(condition, `${list}[${index}]`, provides, issues);
    }
  }
  return issues;
}
