import { ConflictError } from '../errors/errors';
import type { AppendResult } from './event-store';

/**
 * The `CONFLICT` of a commit with `eventsMustBeNew` when some of its events were already
 * stored or refused by the store: nothing of the commit was written. `result` says which events
 * were duplicates and which were refused, so the caller can drop them and commit again.
 */
export class EventsNotAppendedError extends ConflictError {
  /** What `append` would have reported for the commit's events. */
  readonly result: AppendResult;

  constructor(result: AppendResult) {
    const parts = [
      result.duplicates.length > 0 ? `${result.duplicates.length} already stored` : '',
      result.rejected.length > 0 ? `${result.rejected.length} refused` : '',
    ].filter(Boolean);
    super(`Commit refused: of its events, ${parts.join(' and ')}; nothing was written`);
    this.result = result;
  }
}

/** The append result of a commit without events. */
export const noEventsAppended = (): AppendResult => ({ inserted: [], duplicates: [], rejected: [] });

/** Throws {@link EventsNotAppendedError} when a commit that needs every event new did not get it. */
export function assertEventsAppended(result: AppendResult, mustBeNew: boolean): AppendResult {
  if (mustBeNew && (result.duplicates.length > 0 || result.rejected.length > 0)) {
    throw new EventsNotAppendedError(result);
  }
  return result;
}
