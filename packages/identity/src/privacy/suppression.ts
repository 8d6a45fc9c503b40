import { COLLECTIONS } from '../collections';
import { IDENTITY_EVENTS, identityEvent } from '../events/identity-events';
import { notifyLater } from '../graph/commit-session';
import { GraphSession } from '../graph/graph-session';
import { stageFlags } from '../identifiers/identifier-flags';
import { requireProfile } from '../profiles/profile-ref';
import { type IdentityRuntime, nowIso } from '../runtime';

/** Outcome of `suppress` and `unsuppress`. */
export interface SuppressionOutcome {
  profileId: string;
  suppressed: boolean;
}

/** The document `identity.suppressions/<profileId>`. */
export interface SuppressionRecord {
  at: string;
  /** The identifiers (`type:value`) flagged `suppressed` in `identity.flags`. */
  keys: string[];
  /** When the suppression was lifted; the person is suppressed while this is absent. */
  liftedAt?: string;
}

/** True when a suppression document says the person is suppressed now. */
export const isSuppressed = (record: SuppressionRecord | undefined): boolean =>
  record !== undefined && record.liftedAt === undefined;

/**
 * Blocks a person's events: every identifier they hold is flagged, so ingest answers
 * `suppressed` for any event carrying one and stores nothing. The flags, the suppression record
 * and a `Profile Suppressed` event commit together. Idempotent.
 */
export async function suppressPerson(
  runtime: IdentityRuntime,
  workspaceId: string,
  ref: unknown,
): Promise<SuppressionOutcome> {
  const record = await requireProfile(runtime, workspaceId, ref);
  const keys = record.identifiers.map((i) => `${i.type}:${i.value}`);
  const current = await runtime.storage.documents.get<SuppressionRecord>(
    workspaceId,
    COLLECTIONS.suppressions,
    record.id,
  );
  // Already suppressed with every identifier it holds (a retry, say): nothing to write again.
  if (isSuppressed(current?.value) && keys.every((key) => current!.value.keys.includes(key))) {
    return { profileId: record.id, suppressed: true };
  }
  const at = nowIso(runtime);
  const session = new GraphSession(runtime, workspaceId);
  await stageFlags(session, keys, 'suppressed', { profileId: record.id, at });
  const value: SuppressionRecord = { at, keys };
  session.putDocument({ collection: COLLECTIONS.suppressions, key: record.id, value });
  session.addEvent(
    identityEvent(runtime, IDENTITY_EVENTS.suppressed, record.id, record.identifiers, {
      profileId: record.id,
    }),
  );
  await session.flush();
  announce(runtime, workspaceId, record.id, true);
  return { profileId: record.id, suppressed: true };
}

/**
 * Accepts a suppressed person's events again: the flags are cleared, the record marked lifted
 * and a `Profile Unsuppressed` event written, together. Idempotent.
 */
export async function unsuppressPerson(
  runtime: IdentityRuntime,
  workspaceId: string,
  ref: unknown,
): Promise<SuppressionOutcome> {
  const record = await requireProfile(runtime, workspaceId, ref);
  const session = new GraphSession(runtime, workspaceId);
  if (await stageLift(session, record.id)) {
    session.addEvent(
      identityEvent(runtime, IDENTITY_EVENTS.unsuppressed, record.id, record.identifiers, {
        profileId: record.id,
      }),
    );
    await session.flush();
  }
  announce(runtime, workspaceId, record.id, false);
  return { profileId: record.id, suppressed: false };
}

/** Stages the lifting of a profile's suppression into a session; false when it has none. */
export async function stageLift(session: GraphSession, profileId: string): Promise<boolean> {
  const { runtime, workspaceId } = session;
  const doc = await runtime.storage.documents.get<SuppressionRecord>(
    workspaceId,
    COLLECTIONS.suppressions,
    profileId,
  );
  if (!isSuppressed(doc?.value)) return false;
  await stageFlags(session, doc!.value.keys, 'suppressed', undefined);
  session.putDocument({
    collection: COLLECTIONS.suppressions,
    key: profileId,
    value: { ...doc!.value, liftedAt: nowIso(runtime) },
  });
  return true;
}

function announce(runtime: IdentityRuntime, workspaceId: string, profileId: string, suppressed: boolean) {
  const { bus } = runtime;
  if (!bus) return;
  notifyLater(runtime, () =>
    bus.publish('identity.profile.suppression', { workspaceId, profileId, suppressed }),
  );
}
