import { correlationIssues } from './correlation-checks';
import { entryProvides } from './entry-provides';
import { graphIssues } from './graph-checks';
import { issuesFromZod, type JourneyIssue } from './journey-issue';
import { journeyDefinitionSchema } from './journey-schema';
import type { JourneyDefinition } from './journey-types';
import { messageIssues } from './message-checks';
import { outcomeIssues } from './outcome-checks';

/** Options of {@link validateJourney}. */
export interface ValidateJourneyOptions {
  /**
   * A sample of the entry event's properties (or of the API data): its keys count as provided by
   * the entry when checking what templates read from `event.properties`.
   */
  sampleEntry?: Record<string, unknown>;
}

/** The result of validating: every issue, and the parsed definition when there are none. */
export interface JourneyValidation {
  issues: JourneyIssue[];
  definition: JourneyDefinition | undefined;
}

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const NODE_PATH = /^nodes\[(\d+)\]/;

/** Names the node of each issue inside one, so a UI can point at it without parsing paths. */
function withNodes(issues: JourneyIssue[], definition: Loose): JourneyIssue[] {
  const nodes = Array.isArray(definition.nodes) ? definition.nodes : [];
  return issues.map((issue) => {
    if (issue.node !== undefined) return issue;
    const match = NODE_PATH.exec(issue.path);
    const id = match === null ? undefined : (nodes[Number(match[1])] as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? { ...issue, node: id } : issue;
  });
}

/**
 * Validates a journey definition and returns the parsed definition with every issue.
 * {@link validateJourney} and {@link parseJourney} are built on it.
 */
export function checkJourneyDefinition(
  input: unknown,
  options: ValidateJourneyOptions = {},
): JourneyValidation {
  const parsed = journeyDefinitionSchema.safeParse(input);
  const issues = parsed.success ? [] : issuesFromZod(parsed.error.issues);
  if (!isObject(input)) return { issues, definition: undefined };
  // The other checks read the input defensively, so a schema problem in one node does not hide a
  // graph problem elsewhere: one run reports everything.
  issues.push(...outcomeIssues(input), ...graphIssues(input));
  const sample = isObject(options.sampleEntry) ? options.sampleEntry : undefined;
  const provides = entryProvides(input.entry, sample);
  if (provides !== undefined) issues.push(...correlationIssues(input, provides));
  issues.push(...messageIssues(input, provides));
  return {
    issues: withNodes(issues, input),
    definition: parsed.success && issues.length === 0 ? parsed.data : undefined,
  };
}

/**
 * Every problem of a journey definition, without throwing: `[]` means it is valid. Checks, all in
 * one pass, and reports each at its path:
 * - the shape (strict: unknown keys, bad ids, `HH:MM` times, weekdays, time zones, durations that
 *   must take time, split weights, conditions under core's strict validator);
 * - the graph: duplicate ids, targets and `start` that name no node, unreachable nodes, loops that
 *   never wait (`a → b → a`), a missing or unreachable exit, nodes that cannot reach an exit;
 * - correlation: every `correlate` names a key of `entry.correlation`;
 * - messages: a template for every channel of the chain, inline templates for the right channel,
 *   and inline templates reading `event.properties.*` the entry does not provide.
 *
 * It is synchronous and needs no I/O, so it is what {@link defineJourney} runs. Templates given by
 * id, and dry renders against sample data, need a template store and a renderer: they are
 * {@link checkJourneyTemplates}, and {@link checkJourney} runs both before a journey is published.
 *
 * @example
 * ```ts
 * const issues = validateJourney(JSON.parse(text));
 * for (const issue of issues) console.log(`${issue.path}: ${issue.message} (${issue.code})`);
 * // nodes[3].next: email leads to emial, which is not a node of the journey (unknown_node)
 * ```
 */
export function validateJourney(definition: unknown, options: ValidateJourneyOptions = {}): JourneyIssue[] {
  return checkJourneyDefinition(definition, options).issues;
}
