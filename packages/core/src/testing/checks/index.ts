import type { ConformanceCheck } from '../conformance-types';
import { capabilityChecks } from './capability-checks';
import { eventStoreChecks } from './event-store-checks';
import { leaseStoreChecks } from './lease-store-checks';
import { profileStoreChecks } from './profile-store-checks';
import { workspaceChecks } from './workspace-checks';

/** Every check of the storage contract, in the order the suite runs them. */
export const storageConformanceChecks: readonly ConformanceCheck[] = [
  ...eventStoreChecks,
  ...profileStoreChecks,
  ...leaseStoreChecks,
  ...workspaceChecks,
  ...capabilityChecks,
];

export { capabilityChecks, eventStoreChecks, leaseStoreChecks, profileStoreChecks, workspaceChecks };
