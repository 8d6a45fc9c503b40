import {
  ConfigError,
  canonicalProfile,
  identifierSchema,
  NotFoundError,
  type ProfileRecord,
  type Storage,
} from '@cx/core';

/**
 * The profile `--to` names: `<type>:<value>` through the identifier index (`email:an@example.com`,
 * `phone:+84912345678`, `user_id:42`), or a bare profile id. Email values are lower-cased and
 * trimmed, as identity stores them; other values are taken as written.
 *
 * @throws `ConfigError` for a malformed reference, `NotFoundError` when nobody matches.
 * @example
 * ```ts
 * const profile = await findRecipient(storage, 'acme', 'email:An@Example.com');
 * ```
 */
export async function findRecipient(
  storage: Storage,
  workspaceId: string,
  to: string,
): Promise<ProfileRecord> {
  const colon = to.indexOf(':');
  if (colon === -1) {
    const profile = await canonicalProfile(storage.profiles, workspaceId, to);
    if (!profile) throw new NotFoundError(`no profile has the id ${to} in workspace ${workspaceId}`);
    return profile;
  }
  const type = to.slice(0, colon);
  const raw = to.slice(colon + 1).trim();
  const value = type === 'email' ? raw.toLowerCase() : raw;
  if (!identifierSchema.safeParse({ type, value }).success) {
    throw new ConfigError(
      `--to ${JSON.stringify(to)} is not <type>:<value> (such as email:an@example.com) or a profile id`,
    );
  }
  const profile = await storage.profiles.findByIdentifier(workspaceId, { type, value });
  if (!profile)
    throw new NotFoundError(`no profile has the identifier ${type}:${value} in workspace ${workspaceId}`);
  return profile;
}
