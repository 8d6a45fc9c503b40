import { COLLECTIONS } from '../collections';
import { updateFlags } from '../identifiers/identifier-flags';
import { requireProfile } from '../profiles/profile-ref';
import { type IdentityRuntime, nowIso } from '../runtime';

/** Outcome of `suppress` and `unsuppress`. */
export interface SuppressionOutcome {
  profileId: string;
  suppressed: boolean;
}

interface SuppressionRecord {
  at: string;
  /** The identifiers (`type:value`) flagged `suppressed` in `identity.flags`. */
  keys: string[];
}

/**
 * Blocks a person's events: every identifier they hold is flagged, so ingest answers
 * `suppressed` for any event carrying one and stores nothing. Idempotent.
 */
export async function suppressPerson(
  runtime: IdentityRuntime,
  workspaceId: string,
  ref: unknown,
): Promise<SuppressionOutcome> {
  const record = await requireProfile(runtime, workspaceId, ref);
  const { documents } = runtime.storage;
  const keys = record.identifiers.map((i) => `${i.type}:${i.value}`);
  const at = nowIso(runtime);
  await updateFlags(runtime, workspaceId, keys, 'suppressed', { profileId: record.id, at });
  const value: SuppressionRecord = { at, keys };
  await documents.put(workspaceId, { collection: COLLECTIONS.suppressions, key: record.id, value });
  await runtime.bus?.publish('identity.profile.suppression', {
    workspaceId,
    profileId: record.id,
    suppressed: true,
  });
  return { profileId: record.id, suppressed: true };
}

/** Accepts a suppressed person's events again. Idempotent. */
export async function unsuppressPerson(
  runtime: IdentityRuntime,
  workspaceId: string,
  ref: unknown,
): Promise<SuppressionOutcome> {
  const record = await requireProfile(runtime, workspaceId, ref);
  await liftSuppression(runtime, workspaceId, record.id);
  await runtime.bus?.publish('identity.profile.suppression', {
    workspaceId,
    profileId: record.id,
    suppressed: false,
  });
  return { profileId: record.id, suppressed: false };
}

/** Removes a profile's suppression flags, if any. */
export async function liftSuppression(runtime: IdentityRuntime, workspaceId: string, profileId: string) {
  const { documents } = runtime.storage;
  const doc = await documents.get<SuppressionRecord>(workspaceId, COLLECTIONS.suppressions, profileId);
  if (!doc) return;
  await updateFlags(runtime, workspaceId, doc.value.keys, 'suppressed', undefined);
  await documents.delete(workspaceId, COLLECTIONS.suppressions, profileId);
}
