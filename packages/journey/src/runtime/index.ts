/**
 * The durable journey runtime: publishing versions, admission, the event-log consumer, the timer
 * worker, exactly-once effects through atomic commits, and analytics.
 *
 * @packageDocumentation
 */
export { type Admission, type AdmissionRefusal, DEFAULT_REENTRY } from './admission';
export { MESSAGE_FAILED_EXIT } from './apply-step';
export {
  createJourneys,
  type EnterResult,
  type JourneyInstance,
  type Journeys,
  type JourneysOptions,
  type PublishOptions,
} from './create-journeys';
export type { JourneyStats, NodeMember, NodeStats } from './journey-stats';
export {
  EVENTS_CONSUMER,
  JOURNEY_COLLECTIONS,
  type StepFailure,
  TIMER_QUEUE,
} from './journey-store';
export { VERSION_REPLACED_EXIT } from './migration';
export { JOURNEY_LIBRARY } from './profile-events';
export type { TimerPayload } from './timer-worker';
