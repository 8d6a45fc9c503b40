import type { CxEvent } from '../events/cx-event';
import type { PutDocumentInput, StoredDocument } from './document-store';
import type { AppendResult } from './event-store';
import type { CreateProfileInput, Identifier, MergeInput, TraitPatch, UnmergeInput } from './profile-store';
import type { ScheduleWorkInput, WorkClaim, WorkItem } from './work-queue';

/**
 * One change to the profile graph inside a commit, as the ProfileStore method of the same name
 * would make it. A `create` names its id, so later writes of the same commit can refer to it.
 */
export type ProfileWrite =
  | ({ op: 'create'; id: string } & Omit<CreateProfileInput, 'id'>)
  | { op: 'addIdentifiers'; profileId: string; identifiers: Identifier[] }
  | { op: 'removeIdentifiers'; profileId: string; identifiers: Identifier[] }
  | ({ op: 'patchTraits'; profileId: string } & TraitPatch)
  | ({ op: 'merge' } & MergeInput)
  | ({ op: 'unmerge' } & UnmergeInput);

/**
 * One all-or-nothing step: state (documents) together with the work it schedules, cancels or
 * finishes. Applied in this order: `complete`, `cancel`, `schedule`, `documents`; so completing
 * and scheduling the same key in one commit leaves the new item.
 *
 * A journey step is one commit (its state, its next timer, its outbox message), and so is an
 * event-log consumer's page (its derived state and its checkpoint, as a document with
 * `expectedVersion`). An identity ingest batch is one commit too: the profiles it creates and
 * merges, the events attributed to them, their trait patches and identity's documents.
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
  /**
   * Profile writes in order, each as its ProfileStore method would make it; one that fails
   * (`CONFLICT`, `NOT_FOUND`) refuses the whole commit.
   */
  profiles?: readonly ProfileWrite[];
  /** Events to append, as {@link EventStore.append}, after the profile writes. */
  events?: readonly CxEvent[];
  /**
   * When true, an event that is already stored (or that the store refuses) refuses the whole
   * commit with an {@link EventsNotAppendedError}, so state derived from the events is never
   * written for an event that was not. Default false: such events are reported in `appended`.
   */
  eventsMustBeNew?: boolean;
}

/** What a commit wrote. */
export interface CommitResult {
  /** The stored documents, in input order. */
  documents: StoredDocument[];
  /** The scheduled items as they now stand, in input order. */
  scheduled: WorkItem[];
  /** What became of `events`, as {@link EventStore.append} reports it (empty lists without events). */
  appended: AppendResult;
}
