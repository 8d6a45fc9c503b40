import { templateDefinitionSchema } from '@cx/channels';
import { entryPropertyIssues } from './entry-property-checks';
import type { EntryProvides } from './entry-provides';
import type { JourneyIssue } from './journey-issue';

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Message problems that need no template store: a template for every channel of the chain (a
 * fallback without one would fail at send, when it is needed most), inline templates written for
 * the channel they are under, and inline templates reading entry properties the entry does not
 * provide. Templates given by id are checked by {@link checkJourneyTemplates}, which can look
 * them up.
 *
 * @example
 * ```ts
 * messageIssues(definition, entryProvides(definition.entry));
 * // [{ path: 'nodes[4].templates.sms', code: 'missing_template', … }]
 * ```
 */
export function messageIssues(definition: unknown, provides: EntryProvides | undefined): JourneyIssue[] {
  const issues: JourneyIssue[] = [];
  if (!isObject(definition) || !Array.isArray(definition.nodes)) return issues;
  for (const [index, node] of definition.nodes.entries()) {
    if (!isObject(node) || node.type !== 'message') continue;
    const id = typeof node.id === 'string' ? node.id : undefined;
    const at = `nodes[${index}]`;
    const base = id === undefined ? {} : { node: id };
    const on = isObject(node.on) ? node.on : {};
    if (on.sent !== undefined && (on.opened !== undefined || on.clicked !== undefined)) {
      // The engine follows `sent` as soon as the outbox reports it, long before anyone can open.
      issues.push({
        path: `${at}.on.sent`,
        code: 'unreachable_result',
        message:
          'on.sent is followed as soon as the message goes out, so on.opened and on.clicked can never be reached',
        ...base,
      });
    }
    const templates = isObject(node.templates) ? node.templates : {};
    const channels = Array.isArray(node.channels) ? node.channels.filter((c) => typeof c === 'string') : [];
    for (const channel of channels) {
      if (templates[channel] !== undefined) continue;
      issues.push({
        path: `${at}.templates.${channel}`,
        code: 'missing_template',
        message: `No template for ${channel}, which is in the channel chain (${channels.join(' → ')})`,
        ...base,
      });
    }
    for (const [channel, template] of Object.entries(templates)) {
      if (!isObject(template)) continue;
      if (typeof template.channel === 'string' && template.channel !== channel) {
        issues.push({
          path: `${at}.templates.${channel}.channel`,
          code: 'template_channel_mismatch',
          message: `Template ${String(template.id)} is written for ${template.channel}, not ${channel}`,
          ...base,
        });
        continue;
      }
      if (provides === undefined || !channels.includes(channel)) continue;
      // Only a valid template is analysed: the schema reports what is wrong with the others.
      const valid = templateDefinitionSchema.safeParse(template);
      if (!valid.success) continue;
      issues.push(...entryPropertyIssues(valid.data, provides, `${at}.templates.${channel}`, id));
    }
  }
  return issues;
}
