import type { Identifier } from '@cx/core';

/** What identity decided. */
export type DecisionKind = 'merged' | 'demoted' | 'quarantined' | 'refused' | 'unmerged';

/** The rule that decided it. */
export type DecisionRule =
  /** Two profiles shared an identifier in one event, so they are one person. */
  | 'shared-identifier'
  /** An `alias` call said two ids are the same person. */
  | 'alias'
  /** An operator asked for it (`identity.merge`, `identity.unmerge`). */
  | 'manual'
  /** A per-type identifier limit (`limits`), possibly within a time window. */
  | 'limit'
  /** The identifier has joined more profiles than `maxProfilesPerIdentifier`. */
  | 'max-profiles-per-identifier'
  /** The value is on the blocked list (`null`, `anonymous`, `0`...). */
  | 'blocked-value'
  /** The value cannot be normalised (not an email, not a possible phone number). */
  | 'invalid-value'
  /** The two profiles were unmerged before, so they are not merged again automatically. */
  | 'unmerged-pair';

/**
 * One explained identity decision. Stored in `identity.decisions` under every profile it
 * concerns (a merge under the surviving profile, whose members include the merged one) and
 * published on the bus as `identity.decision`.
 */
export interface IdentityDecision {
  id: string;
  /** UTC ISO time of the decision. */
  at: string;
  kind: DecisionKind;
  rule: DecisionRule;
  /** The decision in words, naming the rule. */
  reason: string;
  /** The profiles concerned; the first is the one the event went to, or the surviving profile. */
  profileIds: string[];
  /** The identifier dropped, quarantined or refused. */
  identifier?: Identifier;
  /** The event that led to it. */
  messageId?: string;
  /** The merge, for `merged` and `unmerged`. */
  mergeId?: string;
  /** The limit that was hit, for `limit`. */
  limit?: { type: string; max: number; windowMs?: number };
  /** Profiles that would have been merged had the rule not applied. */
  refusedMergeWith?: string[];
}
