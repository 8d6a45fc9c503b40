import {
  type CheckTemplateOptions,
  checkTemplate,
  createTemplateRenderer,
  type StoredTemplate,
  type TemplateDefinition,
  type TemplateIssue,
  type TemplateScope,
} from '@cx/channels';
import { entryPropertyIssues, entryPropertyOf } from './entry-property-checks';
import { type EntryProvides, entryProvides } from './entry-provides';
import type { JourneyIssue } from './journey-issue';
import type { JourneyDefinition, MessageNode } from './journey-types';
import { messageNodeSchema } from './node-schemas';
import type { ValidateJourneyOptions } from './validate-journey';

/**
 * Where templates given by id are found: anything with `find(id)` (a `TemplateStore` of
 * `@cx/channels`), or a plain record of templates by id.
 */
export type TemplateLookup =
  | { find(id: string): Promise<TemplateDefinition | null> | TemplateDefinition | null }
  | Readonly<Record<string, TemplateDefinition>>;

/** Options of {@link checkJourneyTemplates} and {@link checkJourney}. */
export interface CheckJourneyTemplatesOptions extends ValidateJourneyOptions {
  /** Where templates given by id are looked up; without it, only inline templates are checked. */
  templates?: TemplateLookup;
  /**
   * Sample traits for the dry render. Without them, trait variables are not reported as missing:
   * nothing is known about the profiles yet.
   */
  sampleTraits?: Record<string, unknown>;
  /** Sample instance data (what earlier nodes add), under each message node's own `data`. */
  sampleData?: Record<string, unknown>;
  /** The sample profile's id; default `sample-profile`. */
  sampleProfileId?: string;
  /** Render options (time zone, currency, a shared renderer) for the dry render. */
  render?: CheckTemplateOptions;
}

/** Links a real send provides, so templates reading them render in the sample. */
const SAMPLE_MESSAGE = {
  id: 'sample-message',
  links: {
    unsubscribe: 'https://example.invalid/unsubscribe',
    unsubscribeMailto: 'mailto:unsubscribe@example.invalid',
    preferences: 'https://example.invalid/preferences',
  },
};

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

async function lookUp(lookup: TemplateLookup, id: string): Promise<TemplateDefinition | null> {
  let found: TemplateDefinition | null;
  if (typeof lookup.find === 'function') {
    found = (await (lookup as { find(id: string): unknown }).find(id)) as TemplateDefinition | null;
  } else {
    const record = lookup as Readonly<Record<string, TemplateDefinition>>;
    found = Object.hasOwn(record, id) ? (record[id] as TemplateDefinition) : null;
  }
  if (found === null) return null;
  // A store's template carries its version and save time: metadata, not definition.
  const { version: _version, updatedAt: _updatedAt, ...definition } = found as StoredTemplate;
  return definition;
}

/**
 * Whether a dry-render issue says something about the journey rather than about the sample:
 * a trait missing from sample traits that were never given, or an entry property the sample
 * lacks (the static check decides those, from what the entry guarantees), says nothing.
 */
function meaningful(issue: TemplateIssue, options: CheckJourneyTemplatesOptions): boolean {
  const variable = issue.variable;
  if (issue.code !== 'undefined_variable' || variable === undefined) return true;
  if (/^(profile\.)?traits(\.|\[|$)/.test(variable)) return options.sampleTraits !== undefined;
  if (variable.startsWith('event.properties.')) {
    const property = entryPropertyOf(variable) ?? variable.slice('event.properties.'.length).split('.')[0];
    return (
      property !== undefined && isObject(options.sampleEntry) && Object.hasOwn(options.sampleEntry, property)
    );
  }
  return true;
}

function sampleScope(
  node: MessageNode,
  provides: EntryProvides | undefined,
  options: CheckJourneyTemplatesOptions,
): TemplateScope {
  const entry = provides?.entry;
  return {
    profile: { id: options.sampleProfileId ?? 'sample-profile', traits: options.sampleTraits ?? {} },
    event: {
      ...(entry?.type === 'event' ? { name: entry.event } : {}),
      properties: options.sampleEntry ?? {},
    },
    data: { ...options.sampleData, ...node.data },
    message: SAMPLE_MESSAGE,
  };
}

/**
 * The template checks that need a template store or a render, for publishing: for every channel
 * of every message node,
 * - a template given by id must exist in `options.templates` (`unknown_template`) and be written
 *   for that channel (`template_channel_mismatch`);
 * - its `event.properties.*` variables must be provided by the entry (`entry_property_missing`,
 *   statically, as {@link validateJourney} does for inline templates);
 * - it is dry-rendered with `checkTemplate` against a sample scope
 *   `{ profile: { id, traits: sampleTraits }, event: { name, properties: sampleEntry },
 *   data: { ...sampleData, ...node.data }, message: { id, links } }`, and every problem is reported
 *   with `@cx/channels`' code (`undefined_variable`, `invalid_filter_input`, ...), except what only
 *   shows the sample is incomplete (see `sampleTraits`; entry properties are left to the static check).
 *
 * Templates given by id are skipped when `options.templates` is not given. Message nodes that
 * fail their schema are skipped ({@link validateJourney} reports them). Errors of the lookup
 * itself (storage down) are thrown, not reported as issues.
 *
 * @example
 * ```ts
 * const issues = await checkJourneyTemplates(abandonedCart, {
 *   templates: createTemplateStore({ storage, workspaceId: 'acme' }),
 *   sampleEntry: { cartId: 'c-1', productName: 'Áo dài' },
 *   sampleTraits: { firstName: 'Lan' },
 * });
 * ```
 */
export async function checkJourneyTemplates(
  definition: JourneyDefinition,
  options: CheckJourneyTemplatesOptions = {},
): Promise<JourneyIssue[]> {
  const issues: JourneyIssue[] = [];
  const raw = definition as unknown;
  if (!isObject(raw) || !Array.isArray(raw.nodes)) return issues;
  const sample = isObject(options.sampleEntry) ? options.sampleEntry : undefined;
  const provides = entryProvides(raw.entry, sample);
  const { renderer = createTemplateRenderer(), ...renderOptions } = options.render ?? {};
  for (const [index, rawNode] of raw.nodes.entries()) {
    if (!isObject(rawNode) || rawNode.type !== 'message') continue;
    const parsed = messageNodeSchema.safeParse(rawNode);
    if (!parsed.success) continue;
    const node = parsed.data as MessageNode;
    const scope = sampleScope(node, provides, options);
    for (const channel of node.channels) {
      const ref = node.templates[channel];
      if (ref === undefined) continue; // missing_template is validateJourney's
      const path = `nodes[${index}].templates.${channel}`;
      const base = { node: node.id };
      let template: TemplateDefinition;
      if (typeof ref === 'string') {
        if (options.templates === undefined) continue;
        const found = await lookUp(options.templates, ref);
        if (found === null) {
          issues.push({
            path,
            code: 'unknown_template',
            message: `template ${ref} does not exist`,
            template: ref,
            ...base,
          });
          continue;
        }
        template = found;
      } else {
        template = ref;
      }
      if (template.channel !== channel) {
        issues.push({
          path: typeof ref === 'string' ? path : `${path}.channel`,
          code: 'template_channel_mismatch',
          message: `Template ${template.id} is written for ${template.channel}, not ${channel}`,
          template: template.id,
          ...base,
        });
        continue;
      }
      if (provides !== undefined) issues.push(...entryPropertyIssues(template, provides, path, node.id));
      const found = await checkTemplate(template, scope, { ...renderOptions, renderer });
      for (const issue of found) {
        if (!meaningful(issue, options)) continue;
        issues.push({
          // An inline template's issue points into it; a stored one's at the reference.
          path: typeof ref === 'string' ? path : `${path}.${issue.path}`,
          code: issue.code,
          message: `template ${template.id}${issue.path === '' ? '' : ` ${issue.path}`}: ${issue.message}`,
          template: template.id,
          ...base,
        });
      }
    }
  }
  return issues;
}
