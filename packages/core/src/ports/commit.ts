import type { PutDocumentInput, StoredDocument } from './document-store';
import type { ScheduleWorkInput, WorkClaim, WorkItem } from './work-queue';

/**
 * One all-or-nothing step: state (documents) together with the work it schedules, cancels or
 * finishes. Applied in this order: `complete`, `cancel`, `schedule`, `documents`; so completing
 * and scheduling the same key in one commit leaves the new item.
 *
 * A journey step is one commit (its state, its next timer, its outbox message), and so is an
 * event-log consumer's page (its derived state and its checkpoint, as a document with
 * `expectedVersion`).
 */
export interface CommitInput {
  /** Document writes; an `expectedVersion` that does not hold refuses the whole commit. */
  documents?: readonly PutDocumentInput[];
  /** Items to schedule, as {@link WorkQueue.schedule}. */
  schedule?: readonly ScheduleWorkInput[];
  /** Items to remove, pending, claimed or dead; a missing one is not an error. */
  cancel?: readonly { queue: string; key: string }[];
  /** Claimed items to complete; a lost lease refuses the whole commit. */
  complete?: readonly WorkClaim[];
}

/** What a commit wrote. */
export interface CommitResult {
  /** The stored documents, in input order. */
  documents: StoredDocument[];
  /** The scheduled items as they now stand, in input order. */
  scheduled: WorkItem[];
}
