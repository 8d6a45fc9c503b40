/**
 * `@cx/identity`: Segment-compatible collection, identity resolution with merge protection,
 * reversible merges, 360° profiles and privacy operations (delete, suppress, export).
 *
 * @packageDocumentation
 */
export type { ProfileMergedPayload } from './bus/identity-topics';
export type { IngestOptions } from './collection/ingest';
export type { IngestCode, IngestEventResult, IngestResult, IngestStatus } from './collection/ingest-result';
export { DEFAULT_BLOCKED_VALUES } from './config/blocked-values';
export {
  type IdentifierTypeConfig,
  type IdentityConfig,
  type IdentityConfigInput,
  identityConfigSchema,
  resolveConfig,
  type TraitStrategy,
} from './config/identity-config';
export {
  createIdentity,
  type Identity,
  type IdentityOptions,
  type ProfileEventsOptions,
} from './create-identity';
export type { DecisionKind, DecisionRule, IdentityDecision } from './decisions/decision';
export { IDENTITY_EVENTS, IDENTITY_LIBRARY, isIdentityEvent } from './events/identity-events';
export type { MergeLogEntry, ProfileSnapshot } from './graph/merge-log';
export type { UnmergeOutcome } from './graph/unmerge';
export { normalizeIdentifierValue } from './identifiers/normalize-identifier';
export type { DeletePersonOutcome } from './privacy/delete-person';
export type { PersonExport } from './privacy/export-person';
export type { SuppressionOutcome } from './privacy/suppression';
export type { Profile360, ProfileExtension } from './profiles/profile-360';
export type { ProfileRef } from './profiles/profile-ref';
export type { ConsentState, ProfileState, TraitChange, TraitMeta } from './profiles/profile-state';
