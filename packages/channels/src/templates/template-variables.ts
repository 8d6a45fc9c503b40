import { ValidationError } from '@cx/core';
import type { Template } from 'liquidjs';
import { syntaxChecker } from './liquid-engine';
import { syntaxIssues } from './liquid-issues';
import { variantSources } from './parsed-template-cache';
import type { TemplateDefinition } from './template-definition';

type Segments = Array<string | number | Segments>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * One variable as a path: `profile.traits.firstName`, `data.items[0].name`,
 * `profile.traits["first name"]`. A dynamic index (`data[event.name]`) ends the path there: only the
 * part before it is known statically, and liquidjs reports the index's own variable separately.
 */
function pathOf(segments: Segments): string {
  let path = '';
  for (const segment of segments) {
    if (Array.isArray(segment)) break;
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (path === '') path = segment;
    else path += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** `traits.x` is an alias of `profile.traits.x`: report the one path the data must provide. */
function canonical(path: string): string {
  return path === 'traits' || path.startsWith('traits.') || path.startsWith('traits[')
    ? `profile.${path}`
    : path;
}

/**
 * The variables a template reads from its scope, over every variant and field, sorted and without
 * duplicates: what a journey checks its entry data against when it is published. Uses liquidjs's
 * static analysis, so loop variables (`{% for item in data.items %}`), `assign`ed and `capture`d
 * names are left out and `item.name` counts as `data.items`. `traits.x` is reported as
 * `profile.traits.x`. Paths may end in a Liquid property such as `size` or `first`
 * (`data.items.size`), which the data provides through its parent.
 *
 * Throws `ValidationError` when a variant does not parse.
 *
 * @example
 * ```ts
 * templateVariables(welcomeEmail);
 * // ['data.coupon', 'event.properties.price', 'message.links.unsubscribe', 'profile.traits.firstName']
 * ```
 */
export function templateVariables(template: TemplateDefinition): string[] {
  const engine = syntaxChecker();
  const found = new Set<string>();
  for (const [locale, content] of Object.entries(template.variants)) {
    for (const field of variantSources(content)) {
      if (!field.source.includes('{')) continue;
      let parsed: Template[];
      try {
        parsed = engine.parse(field.source);
      } catch {
        const issues = syntaxIssues(field.source, `variants.${locale}.${field.path}`).map((issue) => ({
          ...issue,
          path: `variants.${locale}.${field.path}`,
          locale,
        }));
        throw new ValidationError(
          `template ${template.id}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
          issues,
        );
      }
      for (const segments of engine.globalVariableSegmentsSync(parsed, { partials: false })) {
        const path = pathOf(segments as Segments);
        if (path !== '') found.add(canonical(path));
      }
    }
  }
  return [...found].sort();
}
