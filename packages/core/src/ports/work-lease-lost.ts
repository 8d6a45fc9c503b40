import { ConflictError } from '../errors/errors';
import type { WorkClaim } from './work-queue';

/**
 * The `CONFLICT` of a fenced call whose claim no longer holds: the item was completed,
 * cancelled, replaced, or its lease ended (and perhaps another worker took it). Every adapter
 * refuses with this, so callers can tell a lost lease from a failure of their own work.
 */
export function leaseLost(claim: WorkClaim): ConflictError {
  return new ConflictError(
    `Work item ${claim.queue}/${claim.key} is no longer held with token ${claim.token} (its lease ended, or it was completed, cancelled or replaced); nothing was changed`,
  );
}
