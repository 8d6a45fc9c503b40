import { hash as digest } from 'node:crypto';

/** The DocumentStore collections this package owns; all start with `identity.`. */
export const COLLECTIONS = {
  /** profile id → {@link ProfileState}: trait metadata and history, consent, split pairs. */
  state: 'identity.profile-state',
  /** `<profileId>/<decisionId>` → decision, once per profile the decision concerns. */
  decisions: 'identity.decisions',
  /** merge id → merge log entry with both profiles' exact before-state. */
  merges: 'identity.merges',
  /** identifier → the profiles it has joined by merging (for the quarantine cap). */
  links: 'identity.links',
  /**
   * Flags on identifiers, keyed by the SHA-256 of the identifier so that ingest checks every flag
   * of a whole batch in one `getMany`, and so that a deleted person's tombstone holds no readable
   * email or phone. See {@link IdentifierFlags}.
   */
  flags: 'identity.flags',
  /** profile id → the identifier flags set when it was suppressed. */
  suppressions: 'identity.suppressions',
  /**
   * Workspace-wide markers. `flags` exists once any identifier of the workspace was ever flagged,
   * so ingest skips hashing and reading flags in the (common) workspace that has none.
   */
  meta: 'identity.meta',
} as const;

/** The key of the marker in {@link COLLECTIONS.meta} that says flags exist. */
export const FLAGS_MARKER = 'flags';

/** The document `identity.flags/<sha-256 of type:value>`. */
export interface IdentifierFlags {
  /** Tombstone: the person was deleted; their events are refused. */
  deleted?: { at: string };
  /** The person's events are blocked. */
  suppressed?: { profileId: string; at: string };
  /** The identifier bridged too many profiles; it resolves to no one. */
  quarantined?: { at: string; profiles: string[] };
}

/** The kinds of identifier flag. */
export type IdentifierFlag = keyof IdentifierFlags;

/** Document keys are at most 512 characters; long identifiers are keyed by their hash. */
export function identifierDocKey(identifierKey: string): string {
  return identifierKey.length <= 480 ? identifierKey : `sha256:${hashIdentifier(identifierKey)}`;
}

/**
 * Flags keep only a hash, so deleting a person leaves no readable email or phone behind
 * while a replay of their events still matches.
 */
export function hashIdentifier(identifierKey: string): string {
  let hash = hashes.get(identifierKey);
  if (hash === undefined) {
    // One-shot `crypto.hash` is several times cheaper than a `createHash` object per identifier.
    hash = digest('sha256', identifierKey, 'base64url');
    // The same identifiers come back batch after batch; a bounded cache saves most hashing.
    if (hashes.size >= 100_000) hashes.clear();
    hashes.set(identifierKey, hash);
  }
  return hash;
}

const hashes = new Map<string, string>();
