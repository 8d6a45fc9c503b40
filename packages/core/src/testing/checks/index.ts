import type { ConformanceCheck } from '../conformance-types';
import { capabilityChecks } from './capability-checks';
import { commitChecks } from './commit-checks';
import { commitProfileChecks } from './commit-profile-checks';
import { consumerChecks } from './consumer-checks';
import { documentStoreChecks } from './document-store-checks';
import { eventLogChecks } from './event-log-checks';
import { eventStoreChecks } from './event-store-checks';
import { leaseStoreChecks } from './lease-store-checks';
import { profileStoreChecks } from './profile-store-checks';
import { workQueueChecks } from './work-queue-checks';
import { workspaceChecks } from './workspace-checks';

/** Every check of the storage contract, in the order the suite runs them. */
export const storageConformanceChecks: readonly ConformanceCheck[] = [
  ...eventStoreChecks,
  ...eventLogChecks,
  ...profileStoreChecks,
  ...leaseStoreChecks,
  ...documentStoreChecks,
  ...workQueueChecks,
  ...commitChecks,
  ...commitProfileChecks,
  ...consumerChecks,
  ...workspaceChecks,
  ...capabilityChecks,
];

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
  workQueueChecks,
  workspaceChecks,
};
