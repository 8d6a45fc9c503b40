import { NotFoundError, parseOrThrow, ValidationError } from '@cx/core';
import { z } from 'zod';
import type { CollectorIdentity } from '../identity-port';

const refSchema = z.object({
  type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'Identifier type must be lower_snake_case'),
  value: z.string().min(1, 'Identifier value must not be empty').max(1024),
});

/**
 * Parses the `<type>:<value>` path segment (percent-encoded, so `email:an%40example.com` and
 * `phone:%2B84901234567` work); the value may itself contain `:`.
 */
export function parsePersonRef(segment: string): { type: string; value: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new ValidationError('Profile reference is not valid percent-encoding', [
      { path: 'ref', message: 'Malformed percent-encoding', code: 'invalid_format' },
    ]);
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) {
    throw new ValidationError('Profile reference must be <type>:<value>, such as email:an@example.com', [
      { path: 'ref', message: 'Missing ":"', code: 'invalid_format' },
    ]);
  }
  return parseOrThrow(
    refSchema,
    { type: decoded.slice(0, colon), value: decoded.slice(colon + 1) },
    'profile reference',
  );
}

/**
 * The canonical profile id a path segment names: `<type>:<value>` as in the Profile API, or a
 * bare profile id (what previews and explanations return), merged-away ids followed to the
 * survivor. Anyone not in this workspace is a `NotFoundError`.
 */
export async function resolveProfileId(
  identity: CollectorIdentity,
  workspaceId: string,
  segment: string,
): Promise<string> {
  let decoded: string | undefined;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // parsePersonRef names the malformed encoding.
  }
  const ref =
    decoded === undefined || decoded.includes(':') ? parsePersonRef(segment) : { profileId: decoded };
  const profile = await identity.getProfile(workspaceId, ref);
  if (profile === null) throw new NotFoundError('No profile matches that reference in this workspace');
  return profile.id;
}
