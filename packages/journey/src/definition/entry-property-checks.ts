import { type TemplateDefinition, templateVariables } from '@cx/channels';
import type { EntryProvides } from './entry-provides';
import type { JourneyIssue } from './journey-issue';

/** `event.properties.name`, `event.properties["a name"]` or `event.properties[0]`, then anything. */
const ENTRY_PROPERTY = /^event\.properties(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\])/;

/** The top-level entry property a template variable reads, or `undefined` for other variables. */
export function entryPropertyOf(variable: string): string | undefined {
  const match = ENTRY_PROPERTY.exec(variable);
  if (match === null) return undefined;
  if (match[1] !== undefined) return match[1];
  if (match[2] !== undefined) return JSON.parse(match[2]) as string;
  return match[3];
}

/** How to fix it, for each kind of entry. */
function hintFor(provides: EntryProvides, property: string): string {
  switch (provides.entry.type) {
    case 'event':
      return ` (require it in entry.where, as { ${JSON.stringify(property)}: { $exists: true } }, or give it in sampleEntry)`;
    case 'api':
      return ' (give the shape of the API data in sampleEntry)';
    case 'schedule':
      return ' (a schedule entry provides scheduledFor and segmentId)';
    default:
      return ` (a ${provides.entry.type} entry carries no event properties)`;
  }
}

/**
 * The entry properties a template reads (`event.properties.productName`) that the entry does not
 * provide, found statically with `templateVariables`, one issue per property. The dry render can
 * only say a sample lacked a value; this says no entry is sure to have it. A template that does
 * not parse gives `[]` here: its syntax issues are reported where it is validated.
 *
 * @example
 * ```ts
 * entryPropertyIssues(cartEmail, entryProvides(entry)!, 'nodes[2].templates.email');
 * // [{ code: 'entry_property_missing',
 * //    message: 'template cart-email reads event.properties.productName, which the entry does not provide …' }]
 * ```
 */
export function entryPropertyIssues(
  template: TemplateDefinition,
  provides: EntryProvides,
  path: string,
  node?: string,
): JourneyIssue[] {
  let variables: string[];
  try {
    variables = templateVariables(template);
  } catch {
    return [];
  }
  const reported = new Set<string>();
  const issues: JourneyIssue[] = [];
  for (const variable of variables) {
    const property = entryPropertyOf(variable);
    if (property === undefined || provides.properties.has(property) || reported.has(property)) continue;
    reported.add(property);
    issues.push({
      path,
      code: 'entry_property_missing',
      message: `template ${template.id} reads ${variable}, which the entry does not provide${hintFor(provides, property)}`,
      template: template.id,
      ...(node === undefined ? {} : { node }),
    });
  }
  return issues;
}
