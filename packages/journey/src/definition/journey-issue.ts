import type { TemplateIssueCode } from '@cx/channels';
import type { ValidationIssue } from '@cx/core';
import { formatPath } from '@cx/core';
import type { ConditionIssueCode } from '@cx/core/conditions';
import type { z } from 'zod';
import { TIME_OF_DAY_PATTERN } from './time-of-day';

/**
 * The codes of problems that journey checks find themselves (beyond zod's, conditions' and
 * templates'); see {@link JourneyIssueCode}.
 *
 * @example
 * ```ts
 * JOURNEY_ISSUE_CODES.includes('zero_wait_cycle'); // true
 * ```
 */
export const JOURNEY_ISSUE_CODES = [
  'duplicate_id',
  'unknown_node',
  'unreachable_node',
  'zero_wait_cycle',
  'no_exit',
  'no_exit_path',
  'unknown_correlation_key',
  'missing_template',
  'template_channel_mismatch',
  'unknown_template',
  'entry_property_missing',
  'invalid_time',
  'invalid_time_zone',
  'empty_duration',
  'duration_too_long',
  'duplicate_weekday',
  'duplicate_channel',
  'duplicate_correlation_key',
  'empty_variations',
  'invalid_branch_test',
  'unused_cooldown',
  'unreachable_result',
] as const;

/**
 * What is wrong, as a machine-readable code:
 * - graph: `duplicate_id`, `unknown_node` (a target or `start` names no node), `unreachable_node`,
 *   `zero_wait_cycle` (a loop that never waits), `no_exit` (no exit node, or none reachable),
 *   `no_exit_path` (a node from which no exit can be reached);
 * - events: `unknown_correlation_key` (a `correlate` names a key the entry does not provide);
 * - messages: `missing_template`, `template_channel_mismatch`, `unknown_template`,
 *   `unreachable_result` (an `on.sent` branch that leaves `opened`/`clicked` no chance),
 *   `entry_property_missing` (a template reads `event.properties.x` the entry does not provide),
 *   and `@cx/channels`' template codes (`undefined_variable`, `liquid_syntax`, ...) from dry renders;
 * - values: `invalid_time` (not `HH:MM`), `invalid_time_zone`, `empty_duration`, `duration_too_long`,
 *   `duplicate_weekday`, `duplicate_channel`, `duplicate_correlation_key`, `empty_variations`,
 *   `invalid_branch_test`, `unused_cooldown` (a cooldown with `mode: 'once'`);
 * - conditions: `unknown_operator`, `invalid_operand`, `invalid_condition` (core's strict validator);
 * - shape: zod's own codes (`invalid_type`, `unrecognized_keys`, `too_small`, `invalid_union`, ...).
 */
export type JourneyIssueCode =
  | (typeof JOURNEY_ISSUE_CODES)[number]
  | ConditionIssueCode
  | TemplateIssueCode
  | z.core.$ZodIssue['code'];

/**
 * One problem of a journey definition, at its path in the JSON form (`nodes[3].next`,
 * `entry.where.total.$gtee`, `nodes[2].templates.email`).
 *
 * @example
 * ```ts
 * const issue: JourneyIssue = {
 *   path: 'nodes[1].until.correlate.cartId',
 *   code: 'unknown_correlation_key',
 *   message: 'correlation key cartId is not provided by the entry',
 *   node: 'wait-order',
 * };
 * ```
 */
export interface JourneyIssue extends ValidationIssue {
  code: JourneyIssueCode;
  /** The id of the node the problem is in, when it is in one. */
  node?: string;
  /** The template the problem is in, for template problems. */
  template?: string;
}

/** Codes given to zod's `invalid_format` by the pattern that failed. */
const PATTERN_CODES = new Map<string, JourneyIssueCode>([[String(TIME_OF_DAY_PATTERN), 'invalid_time']]);

/** The cx code a schema put on a zod issue, where it put one. */
function cxCode(issue: z.core.$ZodIssue): JourneyIssueCode {
  if (issue.code === 'custom') {
    const params = issue.params as { cxCode?: string; conditionIssue?: string } | undefined;
    return (params?.cxCode ?? params?.conditionIssue ?? 'custom') as JourneyIssueCode;
  }
  if (issue.code === 'invalid_format' && 'pattern' in issue && typeof issue.pattern === 'string') {
    return PATTERN_CODES.get(issue.pattern) ?? issue.code;
  }
  return issue.code;
}

/**
 * zod issues as journey issues: the path in the dotted form of messages (`nodes[3].for.days`) and
 * the cx code a refinement set (condition, template and journey codes), else zod's own.
 *
 * @example
 * ```ts
 * const result = journeyNodeSchema.safeParse(node);
 * if (!result.success) issuesFromZod(result.error.issues); // [{ path: 'at', code: 'invalid_time', … }]
 * ```
 */
export function issuesFromZod(issues: readonly z.core.$ZodIssue[]): JourneyIssue[] {
  return issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
    code: cxCode(issue),
  }));
}
