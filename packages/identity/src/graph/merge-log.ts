import type { Identifier, Traits } from '@cx/core';
import type { DecisionRule } from '../decisions/decision';
import type { ProfileState } from '../profiles/profile-state';

/** A profile exactly as it was, for restoring it. */
export interface ProfileSnapshot {
  identifiers: Identifier[];
  traits: Traits;
  state: ProfileState;
}

/**
 * One entry of the merge log (`identity.merges/<mergeId>`): both profiles' exact state before
 * the merge, and `into`'s traits and state right after it, so `unmerge` can tell what changed
 * later and keep it.
 */
export interface MergeLogEntry {
  mergeId: string;
  /** The `merged` decision, filed under `into` in `identity.decisions`. */
  decisionId: string;
  at: string;
  into: string;
  from: string;
  rule: DecisionRule;
  reason: string;
  messageId?: string;
  before: { into: ProfileSnapshot; from: ProfileSnapshot };
  after: { intoTraits: Traits; intoState: ProfileState };
  /** Set once the merge has been undone. */
  unmergedAt?: string;
}
