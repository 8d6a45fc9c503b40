import { NotFoundError, parseOrThrow, ValidationError } from '@cx/core';
import type { DeletePersonOutcome, Profile360 } from '@cx/identity';
import { z } from 'zod';
import { authorize, DELETE_PROFILES, READ_PROFILES } from '../auth/authorize';
import { basicAuthKey } from '../auth/basic-auth';
import { type RateLimiter, rateLimited } from '../collect/rate-limiter';
import { type CollectorRequest, type CollectorResponse, jsonResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';

/** The body of `GET /v1/profiles/<type>:<value>`: the core of identity's 360° view. */
export type ProfileResponseBody = Pick<Profile360, 'id' | 'identifiers' | 'traits' | 'consent'>;

/** The body of `DELETE /v1/profiles/<type>:<value>`: what identity deleted. */
export type DeleteResponseBody = { deleted: true } & DeletePersonOutcome;

const refSchema = z.object({
  type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'Identifier type must be lower_snake_case'),
  value: z.string().min(1, 'Identifier value must not be empty').max(1024),
});

const profileQuerySchema = z.object({ view: z.enum(['basic', '360']).optional() });

const eventsQuerySchema = z.object({
  limit: z.coerce.number().int().positive().max(10_000).optional(),
  cursor: z.string().min(1).max(2048).optional(),
  order: z.enum(['asc', 'desc']).optional(),
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
 * Handles the Profile API: `GET /v1/profiles/<ref>` (`?view=360` for identity's whole 360° view),
 * `GET /v1/profiles/<ref>/events` (read or admin key) and `DELETE /v1/profiles/<ref>` (admin key).
 * Profiles of another workspace are simply not found (404).
 */
export async function profileRoute(
  request: CollectorRequest,
  route: { ref: string; events: boolean; query: URLSearchParams },
  options: ResolvedOptions,
  limiter: RateLimiter | undefined,
): Promise<CollectorResponse> {
  const permission = request.method === 'DELETE' ? DELETE_PROFILES : READ_PROFILES;
  const key = authorize(options.keys, basicAuthKey(request.header('authorization')), permission);
  const limited = rateLimited(limiter, key.id, options.clock);
  if (limited !== undefined) return limited;
  const { workspaceId } = key;
  const ref = parsePersonRef(route.ref);

  if (request.method === 'DELETE') {
    // Identity answers NOT_FOUND for an unknown person, here and for the events page.
    const outcome = await options.identity.deletePerson(workspaceId, ref);
    return jsonResponse(200, { deleted: true, ...outcome } satisfies DeleteResponseBody);
  }
  if (route.events) {
    const query = parseOrThrow(eventsQuerySchema, Object.fromEntries(route.query), 'events query');
    return jsonResponse(200, await options.identity.listProfileEvents(workspaceId, ref, query));
  }
  const profile = await options.identity.getProfile(workspaceId, ref);
  if (profile === null) {
    throw new NotFoundError(`No profile with ${ref.type} ${JSON.stringify(ref.value)} in this workspace`);
  }
  const view = parseOrThrow(profileQuerySchema, Object.fromEntries(route.query), 'profile query').view;
  if (view === '360') return jsonResponse(200, profile);
  const body: ProfileResponseBody = {
    id: profile.id,
    identifiers: profile.identifiers,
    traits: profile.traits,
    consent: profile.consent,
  };
  return jsonResponse(200, body);
}
