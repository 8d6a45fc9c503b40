import { idSchema, NotFoundError, type ProfileRecord, parseOrThrow } from '@cx/core';
import { z } from 'zod';
import { normalizeIdentifierValue } from '../identifiers/normalize-identifier';
import type { IdentityRuntime } from '../runtime';

/** A person, named by one of their identifiers or by a profile id (merged-away ids are followed). */
export type ProfileRef = { type: string; value: string } | { profileId: string };

const refSchema = z.union([
  z.strictObject({ profileId: idSchema }),
  z.strictObject({
    type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'Identifier type must be lower_snake_case'),
    value: z.union([z.string().min(1).max(1024), z.number()]),
  }),
]);

/**
 * The canonical profile a reference points at, or `null`. Identifier values are normalised as
 * ingest normalises them, so `{ type: 'email', value: ' An@Example.com' }` finds `an@example.com`.
 */
export async function findProfile(
  runtime: IdentityRuntime,
  workspaceId: string,
  ref: unknown,
): Promise<ProfileRecord | null> {
  const parsed = parseOrThrow(refSchema, ref, 'profile reference');
  const { profiles } = runtime.storage;
  if ('profileId' in parsed) {
    let record = await profiles.get(workspaceId, parsed.profileId);
    // A merged-away id still names the person: follow it to the surviving profile.
    for (let hops = 0; record?.mergedInto && hops < 1000; hops++) {
      record = await profiles.get(workspaceId, record.mergedInto);
    }
    return record;
  }
  const typeConfig = runtime.config.types.get(parsed.type);
  const value = typeConfig
    ? normalizeIdentifierValue(parsed.value, typeConfig, runtime.config.phoneRegion)
    : String(parsed.value).trim();
  if (value === null || value === '') return null;
  return profiles.findByIdentifier(workspaceId, { type: parsed.type, value });
}

/** Like {@link findProfile}, but a missing person is a `NotFoundError`. */
export async function requireProfile(
  runtime: IdentityRuntime,
  workspaceId: string,
  ref: unknown,
): Promise<ProfileRecord> {
  const record = await findProfile(runtime, workspaceId, ref);
  if (!record) throw new NotFoundError('No profile matches that reference in this workspace');
  return record;
}
