import type { ConformanceCheck } from '../conformance-types';
import { capabilityChecks } from './capability-checks';
import { documentStoreChecks } from './document-store-checks';
import { eventStoreChecks } from './event-store-checks';
import { leaseStoreChecks } from './lease-store-checks';
import { profileStoreChecks } from './profile-store-checks';
import { workspaceChecks } from './workspace-checks';

/** Every check of the storage contract, in the order the suite runs them. */
export const storageConformanceChecks: readonly ConformanceCheck[] = [
  ...eventStoreChecks,
  ...profileStoreChecks,
  ...leaseStoreChecks,
  ...documentStoreChecks,
  ...workspaceChecks,
  ...capabilityChecks,
];

export {
  capabilityChecks,
  documentStoreChecks,
  eventStoreChecks,
  leaseStoreChecks,
  profileStoreChecks,
  workspaceChecks,
};
