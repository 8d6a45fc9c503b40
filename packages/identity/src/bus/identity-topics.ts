import type { Identifier } from '@cx/core';
import type { IdentityDecision } from '../decisions/decision';

/** Payload of `identity.profile.merged`. */
export interface ProfileMergedPayload {
  workspaceId: string;
  mergeId: string;
  into: string;
  from: string;
  movedIdentifiers: Identifier[];
}

declare module '@cx/core' {
  interface CxBusEvents {
    /** Every merge, refusal, demotion, quarantine and unmerge, with its rule. */
    'identity.decision': IdentityDecision & { workspaceId: string };
    /** Two profiles became one. */
    'identity.profile.merged': ProfileMergedPayload;
    /** A merge was undone. */
    'identity.profile.unmerged': { workspaceId: string; mergeId: string; into: string; from: string };
    /** Traits or consent of a profile changed. */
    'identity.profile.updated': {
      workspaceId: string;
      profileId: string;
      traits: string[];
      consent: boolean;
    };
    /** A person was deleted everywhere; `profileIds` are every id they had. */
    'identity.profile.deleted': { workspaceId: string; profileIds: string[] };
    /** A person's events are blocked (`suppressed: true`) or accepted again. */
    'identity.profile.suppression': { workspaceId: string; profileId: string; suppressed: boolean };
  }
}
