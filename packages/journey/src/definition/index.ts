/**
 * Journey definitions: the types, the strict zod schema and its published JSON Schema, the typed
 * builder (`defineJourney` and node helpers), and static validation (`validateJourney`,
 * `checkJourneyTemplates`, `checkJourney`).
 *
 * @packageDocumentation
 */
export type { JourneyInput, NodeTargets, UnknownTargets } from './builder-types';
export { checkJourney } from './check-journey';
export {
  enteredSegment,
  exitedSegment,
  exitOn,
  goal,
  type OnEventOptions,
  onApi,
  onEvent,
  onSchedule,
  onSegment,
  performed,
} from './condition-helpers';
export { eventMatchSchema, journeyConditionSchema, namedConditionSchema } from './condition-schemas';
export { defineJourney, journeyValidationError, parseJourney } from './define-journey';
export {
  durationMs,
  durationSchema,
  MAX_DURATION_MS,
  positiveDurationSchema,
  traitOffsetSchema,
} from './duration';
export { entryCapSchema, journeyEntrySchema, reentryRuleSchema } from './entry-schemas';
export { journeyInputNames } from './input-names';
export {
  eventNameSchema,
  experimentKeySchema,
  JOURNEY_ID_PATTERN,
  journeyIdSchema,
  keyNameSchema,
  segmentIdSchema,
  templateIdSchema,
} from './journey-ids';
export {
  issuesFromZod,
  JOURNEY_ISSUE_CODES,
  type JourneyIssue,
  type JourneyIssueCode,
} from './journey-issue';
export { journeyDefinitionJsonSchema } from './journey-json-schema';
export { journeyDefinitionSchema, MAX_JOURNEY_NODES } from './journey-schema';
export type {
  BranchNode,
  BranchTest,
  Duration,
  EntryCap,
  EventMatch,
  ExitNode,
  ExperimentSplitNode,
  JourneyCondition,
  JourneyDefinition,
  JourneyEntry,
  JourneyNode,
  MessageNode,
  RandomSplitNode,
  ReentryRule,
  UpdateTraitNode,
  WaitForNode,
  WaitNode,
  WaitUntilTimeNode,
  WaitUntilTraitNode,
  WebhookNode,
} from './journey-types';
export { type NodeEdge, nodeEdges } from './node-edges';
export {
  branch,
  exit,
  experimentSplit,
  inSegment,
  type MessageSpec,
  matches,
  message,
  notInSegment,
  randomSplit,
  updateTrait,
  type WaitForSpec,
  type WaitUntilTimeSpec,
  type WaitUntilTraitSpec,
  type WebhookSpec,
  wait,
  waitFor,
  waitUntilTime,
  waitUntilTrait,
  webhook,
  when,
} from './node-helpers';
export { journeyNodeSchema, messageNodeSchema } from './node-schemas';
export {
  type CheckJourneyTemplatesOptions,
  checkJourneyTemplates,
  type TemplateLookup,
} from './template-checks';
export { TIME_OF_DAY_PATTERN, timeOfDaySchema, timeZoneSchema, weekdaysSchema } from './time-of-day';
export { type ValidateJourneyOptions, validateJourney } from './validate-journey';
