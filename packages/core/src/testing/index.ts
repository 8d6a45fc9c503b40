/**
 * `@cx/core/testing`: the storage conformance suite that every storage adapter runs, and the
 * fixtures it uses. Import it from your adapter's tests; it needs vitest.
 *
 * @packageDocumentation
 */
export {
  capabilityChecks,
  commitChecks,
  commitProfileChecks,
  consumerChecks,
  documentStoreChecks,
  eventLogChecks,
  eventStoreChecks,
  leaseStoreChecks,
  profileStoreChecks,
  storageConformanceChecks,
  workQueueChecks,
  workspaceChecks,
} from './checks';
export type { ConformanceCheck, ConformanceContext, StoragePeek } from './conformance-types';
export { freshWorkspace, type MakeEventOptions, makeEvent, makeEvents } from './fixtures';
export { runStorageConformance, type StorageConformanceOptions } from './run-conformance';
