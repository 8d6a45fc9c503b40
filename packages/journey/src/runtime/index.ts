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
  type PublishResult,
} from './create-journeys';
export { type ApiEntry, MAX_ENTRIES_PER_CALL } from './entry-inputs';
export type { JourneyStats, NodeMember, NodeStats } from './journey-stats';
export {
  EVENTS_CONSUMER,
  JOURNEY_COLLECTIONS,
  SCHEDULE_QUEUE,
  SCHEDULED_ENTRY_QUEUE,
  type ScheduledEntryPayload,
  type StepFailure,
  TIMER_QUEUE,
  WEBHOOK_QUEUE,
  type WebhookPayload,
} from './journey-store';
export type { MigrationCounts, MigrationMap } from './migrate-instances';
export { VERSION_MIGRATED_EXIT, VERSION_REPLACED_EXIT } from './migration';
export { JOURNEY_LIBRARY } from './profile-events';
export { PLAN_AHEAD_MS, PLAN_EVERY_MS, type ScheduleEntry, type SegmentMembers } from './schedule-planner';
export type { TimerPayload } from './timer-worker';
export type { JourneyWebhookOptions } from './webhook-worker';
