import { z } from 'zod';
import type { Page } from './page';

/** An identifier that points at one profile, such as `{ type: 'email', value: 'an@example.com' }`. */
export interface Identifier {
  /** The identifier type: `user_id`, `anonymous_id`, `email`, `phone` or a custom one. */
  type: string;
  /** The normalised value. */
  value: string;
}

/** What an identifier type looks like: lower_snake_case, 1-64 characters. */
export const IDENTIFIER_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** Schema of an {@link Identifier}. */
export const identifierSchema = z.object({
  type: z
    .string()
    .regex(IDENTIFIER_TYPE_PATTERN, 'Identifier type must be lower_snake_case, 1-64 characters'),
  value: z
    .string()
    .min(1, 'Identifier value must not be empty')
    .max(1024)
    .refine((value) => value.isWellFormed(), 'Must be well-formed Unicode (no lone surrogates)'),
});

/** A free-form trait bag. */
export type Traits = Record<string, unknown>;

/** A customer profile as the store keeps it. */
export interface ProfileRecord {
  id: string;
  /** The identifiers that point at this profile. A merged-away profile has none. */
  identifiers: Identifier[];
  traits: Traits;
  /** The profile this one was merged into, or `null` while it is canonical. */
  mergedInto: string | null;
  /** UTC ISO timestamps from the store's clock. */
  createdAt: string;
  updatedAt: string;
  /** Increases on every change; use it for optimistic concurrency. */
  version: number;
}

/** Input of {@link ProfileStore.create}. */
export interface CreateProfileInput {
  /** The new profile's id; a ULID is generated when omitted. */
  id?: string;
  identifiers?: Identifier[];
  traits?: Traits;
}

/** Input of {@link ProfileStore.patchTraits}. */
export interface TraitPatch {
  /** Traits to set (any JSON value, including `null`). */
  set?: Traits;
  /** Trait names to remove. */
  unset?: string[];
  /** Fail with `CONFLICT` unless the profile is at this version. */
  expectedVersion?: number;
}

/** Input of {@link ProfileStore.merge}. */
export interface MergeInput {
  /** The profile that survives. */
  into: string;
  /** The profile merged into `into`; it keeps its id and records `mergedInto`. */
  from: string;
  /**
   * The surviving profile's traits after the merge. Omit to keep `into`'s values and add the
   * traits only `from` has.
   */
  traits?: Traits;
}

/** Outcome of {@link ProfileStore.merge}. */
export interface MergeResult {
  into: ProfileRecord;
  from: ProfileRecord;
  /** The identifiers moved from `from` to `into`. */
  movedIdentifiers: Identifier[];
}

/**
 * Input of {@link ProfileStore.unmerge}: the state both profiles return to. Together the two
 * identifier lists must be exactly the identifiers `into` holds now.
 */
export interface UnmergeInput {
  /** The profile `from` was merged into; it must still be canonical. */
  into: string;
  /** The merged-away profile to restore; its `mergedInto` must be `into`. */
  from: string;
  /** The identifiers `into` keeps. */
  intoIdentifiers: Identifier[];
  /** The identifiers that move back to `from`. */
  fromIdentifiers: Identifier[];
  /** `into`'s traits afterwards. */
  intoTraits: Traits;
  /** `from`'s traits afterwards. */
  fromTraits: Traits;
}

/** Outcome of {@link ProfileStore.unmerge}. */
export interface UnmergeResult {
  into: ProfileRecord;
  from: ProfileRecord;
}

/** Which profiles to list. */
export interface ProfileListQuery {
  limit?: number;
  cursor?: string | null;
}

/**
 * Profiles, the identifiers that point at them, and merges.
 *
 * Contract (proved by the conformance suite):
 * - An identifier points at most at one canonical profile per workspace.
 * - `merge` is atomic: afterwards `from` has no identifiers and `mergedInto === into`, and
 *   concurrent merges of the same profiles leave exactly one canonical profile holding every
 *   identifier; merging a profile that is no longer canonical fails with `CONFLICT`.
 * - Unknown ids fail with `NOT_FOUND`; nothing crosses workspaces.
 */
export interface ProfileStore {
  /** Creates a profile; `CONFLICT` if an identifier already points at another profile. */
  create(workspaceId: string, input: CreateProfileInput): Promise<ProfileRecord>;
  /**
   * Several creates in one transaction (one commit). All or nothing: `CONFLICT` when an
   * identifier already points at a profile or is named by two of the inputs, or an id exists;
   * nothing is created then. At most 1,000. Records in input order.
   */
  createMany(workspaceId: string, inputs: readonly CreateProfileInput[]): Promise<ProfileRecord[]>;
  /** A profile by id (canonical or merged-away), or `null`. */
  get(workspaceId: string, profileId: string): Promise<ProfileRecord | null>;
  /**
   * Several profiles by id (canonical or merged-away) in one round trip, in the order asked;
   * unknown ids are left out. At most 10,000 ids.
   */
  getMany(workspaceId: string, profileIds: readonly string[]): Promise<ProfileRecord[]>;
  /** The canonical profile an identifier points at, or `null`. */
  findByIdentifier(workspaceId: string, identifier: Identifier): Promise<ProfileRecord | null>;
  /**
   * Looks up many identifiers in one round trip: the result maps `type:value` to a profile id
   * for each identifier that is known.
   */
  lookupIdentifiers(workspaceId: string, identifiers: readonly Identifier[]): Promise<Map<string, string>>;
  /** Points more identifiers at a canonical profile; `CONFLICT` if one points elsewhere. */
  addIdentifiers(
    workspaceId: string,
    profileId: string,
    identifiers: readonly Identifier[],
  ): Promise<ProfileRecord>;
  /** Detaches identifiers from a profile (unknown ones are ignored). */
  removeIdentifiers(
    workspaceId: string,
    profileId: string,
    identifiers: readonly Identifier[],
  ): Promise<ProfileRecord>;
  /** Sets and removes traits of a canonical profile. */
  patchTraits(workspaceId: string, profileId: string, patch: TraitPatch): Promise<ProfileRecord>;
  /** Merges `from` into `into` atomically. */
  merge(workspaceId: string, input: MergeInput): Promise<MergeResult>;
  /**
   * Several merges in one transaction (one commit), applied in order, each as {@link merge} on
   * the state the earlier ones leave. All or nothing: if one fails (`NOT_FOUND`, `CONFLICT`),
   * none is applied. At most 1,000. Results in input order.
   */
  mergeMany(workspaceId: string, inputs: readonly MergeInput[]): Promise<MergeResult[]>;
  /**
   * Undoes a merge atomically: `from` becomes canonical again (with the profiles merged into it
   * before), identifiers move back, both trait sets are replaced. Fails with `CONFLICT` when
   * `from` is not merged directly into `into`, `into` is no longer canonical, or the identifier
   * lists are not exactly what `into` holds (the state changed since it was read); nothing
   * changes then.
   */
  unmerge(workspaceId: string, input: UnmergeInput): Promise<UnmergeResult>;
  /** The ids of a profile and of every profile merged into it, directly or through others. */
  members(workspaceId: string, profileId: string): Promise<string[]>;
  /** Canonical profiles in id order. */
  list(workspaceId: string, query?: ProfileListQuery): Promise<Page<ProfileRecord>>;
  /**
   * Deletes a profile, every profile merged into it and their identifiers; returns the deleted
   * ids (empty when the profile does not exist).
   */
  delete(workspaceId: string, profileId: string): Promise<string[]>;
}

/** The `type:value` key used in {@link ProfileStore.lookupIdentifiers} results. */
export function identifierKey(identifier: Identifier): string {
  return `${identifier.type}:${identifier.value}`;
}
