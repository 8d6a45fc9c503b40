export { compareKeys } from './compare-keys';
export { decodeCursor, encodeCursor } from './cursor';
export type { DocumentListQuery, DocumentStore, PutDocumentInput, StoredDocument } from './document-store';
export type { AppendResult, EventRejection, EventStore, ProfileEventsQuery, ScanQuery } from './event-store';
export {
  finishAppend,
  jsonClone,
  MAX_APPEND_BATCH,
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
  parseMergeInput,
  parseMergeInputs,
  parseProfileEventsQuery,
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
export type { SqlAccess, SqlTables, Storage, StorageCapabilities } from './storage';
