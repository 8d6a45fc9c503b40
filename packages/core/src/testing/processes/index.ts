/**
 * `@cx/core/testing/processes`: the bodies of the child processes that the multi-process and
 * crash tests of a storage adapter run (two workers claiming from one queue, a consumer killed
 * mid-page). An adapter's test starts a small script that opens its storage and calls one of
 * these; no test runner is needed in the child.
 *
 * @packageDocumentation
 */
export {
  CONSUMED_COUNT,
  type ConsumerProcessOptions,
  consumerProcess,
} from './consumer-process';
export {
  PROCESSED_COLLECTION,
  type QueueWorkerProcessOptions,
  queueWorkerProcess,
  reportedKeys,
} from './queue-worker-process';
export { type ChildOutcome, runChild } from './run-child';
