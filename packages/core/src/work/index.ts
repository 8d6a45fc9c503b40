export { DeadLetter, isDeadLetter } from './dead-letter';
export {
  CONSUMER_CHECKPOINTS,
  type ConsumerCheckpoint,
  createEventConsumer,
  type EventConsumer,
  type EventConsumerOptions,
  type EventPageHandler,
} from './event-consumer';
export {
  createPollLoop,
  type IdleOptions,
  type PollLoop,
  type PollLoopOptions,
  type TickResult,
} from './poll-loop';
export {
  type BatchWorkHandler,
  createWorker,
  type WorkContext,
  type Worker,
  type WorkerOptions,
  type WorkHandler,
} from './work-runner';
