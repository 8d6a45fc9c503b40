export { canonicalProfile } from './canonical-profile';
export type { CommitInput, CommitResult, ProfileWrite } from './commit';
export { compareKeys } from './compare-keys';
export { decodeCursor, encodeCursor } from './cursor';
export type { DocumentListQuery, DocumentStore, PutDocumentInput, StoredDocument } from './document-store';
export type {
  AppendResult,
  EventRejection,
  EventStore,
  LogPage,
  ProfileEventsQuery,
  ReadLogQuery,
  ScanQuery,
} from './event-store';
export { assertEventsAppended, EventsNotAppendedError, noEventsAppended } from './events-not-appended';
export {
  finishAppend,
  jsonClone,
  MAX_APPEND_BATCH,
  MAX_COMMIT_WRITES,
  MAX_LEASE_MS,
  MAX_PUT_MANY,
  type ParsedProfileEventsQuery,
  type PreparedAppend,
  parseCreateProfile,
  parseCreateProfiles,
  parseDocumentAddress,
  parseDocumentKeys,
  parseDocumentList,
  parseDocumentPut,
  parseDocumentPutMany,
  parseId,
  parseIdentifiers,
  parseIds,
  parseLeaseRelease,
  parseLeaseRequest,
  parseListQuery,
  parseLogPosition,
  parseMergeInput,
  parseMergeInputs,
  parseProfileEventsQuery,
  parseReadLog,
  parseScanQuery,
  parseTraitPatch,
  parseUnmergeInput,
  prepareAppend,
} from './inputs';
export type { Lease, LeaseRequest, LeaseStore } from './lease-store';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from './page';
export {
  type CreateProfileInput,
  type Identifier,
  identifierKey,
  identifierSchema,
  type MergeInput,
  type MergeResult,
  type ProfileListQuery,
  type ProfileRecord,
  type ProfileStore,
  type TraitPatch,
  type Traits,
  type UnmergeInput,
  type UnmergeResult,
} from './profile-store';
export { MAX_PROFILE_WRITES, type ParsedProfileWrite, parseProfileWrites } from './profile-write-inputs';
export { positionalSqlite } from './sql-placeholders';
export type { SqlAccess, SqlTables, Storage, StorageCapabilities } from './storage';
export {
  MAX_WORK_BATCH,
  MAX_WORK_ERROR_LENGTH,
  type ParsedCommit,
  type ParsedSchedule,
  type ParsedWorkClaim,
  parseClaimOptions,
  parseCommit,
  parseDeadLetter,
  parseDeadLetterQuery,
  parseExtend,
  parseQueueName,
  parseRetry,
  parseSchedule,
  parseWorkAddress,
  parseWorkClaim,
  scheduledItem,
} from './work-inputs';
export { leaseLost } from './work-lease-lost';
export type {
  ClaimedWork,
  ClaimOptions,
  DeadLetterQuery,
  QueueStats,
  ScheduleConflict,
  ScheduleWorkInput,
  WorkClaim,
  WorkItem,
  WorkQueue,
  WorkState,
} from './work-queue';
