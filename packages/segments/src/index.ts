/**
 * `@cx/segments`: real-time behavioural segments. Definitions (typed builder and JSON), computed
 * traits, an event-log engine with self-expiring windows, SQL backfill equal to real time,
 * explain, membership history with transition matrices, and RFM.
 *
 * @packageDocumentation
 */

export { type ComputedMembers, type ComputeMembersOptions, computeMembers } from './backfill/compute-members';
export * from './definition/computed-trait-schema';
export * from './definition/define-segment';
export {
  DURATION_UNITS,
  type Duration,
  type DurationUnit,
  durationMs,
  durationSchema,
} from './definition/duration';
export { computedTraitJsonSchema, segmentDefinitionJsonSchema } from './definition/json-schema';
export {
  orderDefinitions,
  parseComputedTrait,
  parseSegmentDefinition,
  referencedSegments,
} from './definition/parse-definitions';
export * from './definition/segment-schema';
export { type EventWindow, eventWindowSchema } from './definition/window';
export type { CatchUpProgress } from './engine/catch-up';
export type { Models } from './engine/definition-store';
export { profileBucket } from './engine/leaves/simple-leaves';
export {
  createMembershipEvaluator,
  type MembershipEvaluator,
  type MembershipEvaluatorOptions,
} from './engine/membership-evaluator';
export { type MembershipCause, SEGMENT_EVENTS, SEGMENTS_LIBRARY } from './engine/membership-events';
export {
  createSegmentEngine,
  REALTIME_CONSUMER,
  type SegmentEngine,
  type SegmentEngineOptions,
  type SegmentSummary,
} from './engine/segment-engine';
export type { MembershipChange } from './engine/segment-model';
export { EXPIRY_QUEUE } from './engine/state-batch';
export { type ExplainedNode, type Explanation, explain } from './explain/explain';
export {
  membersAt,
  membershipHistory,
  OUTSIDE,
  sizeOverTime,
  type TransitionMatrix,
  timeInSegmentStats,
  transitionMatrix,
} from './history/history-queries';
export * from './history/membership-spans';
export * from './rfm/index';
