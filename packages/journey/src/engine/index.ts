/**
 * The journey engine's pure step function: `startInstance` makes an instance, `stepInstance`
 * applies one input (enter, timer, event, segment change, message result) and returns the new
 * state and the effects the runtime commits with it.
 *
 * @packageDocumentation
 */
export { correlates, correlationValue, extractCorrelation } from './correlation';
export { type MessageRecord, readMessageRecord } from './instance-data';
export { nextLocalTime, resolveZone, traitDueAt } from './local-time-waits';
export { matchesEvent, matchesJourneyCondition } from './match-condition';
export { messageKey } from './message-waits';
export { defaultMaxTransitions, LOOP_GUARD_ID } from './run-nodes';
export { pickWeighted, splitBucket, splitSeed } from './split-hash';
export { type StartInstanceOptions, startInstance } from './start-instance';
export { stepInstance } from './step-instance';
export type {
  InstanceOutcome,
  InstanceState,
  InstanceStatus,
  JourneyEventName,
  StepContext,
  StepEffect,
  StepInput,
  StepOptions,
  StepResult,
  Waiting,
} from './step-types';
