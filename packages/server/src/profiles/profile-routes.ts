import { NotFoundError, parseOrThrow } from '@cx/core';
import type { DeletePersonOutcome, Profile360 } from '@cx/identity';
import { z } from 'zod';
import { authorize, DELETE_PROFILES, READ_PROFILES } from '../auth/authorize';
import { basicAuthKey } from '../auth/basic-auth';
import { contactsExtension, profileContacts } from '../channels/contacts-route';
import { type RateLimiter, rateLimited } from '../collect/rate-limiter';
import { type CollectorRequest, type CollectorResponse, jsonResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';
import { engineOf, profileSegments } from '../segments/segment-routes';
import { parsePersonRef } from './profile-ref';

/** Which part of a person a Profile API route reads: the profile, its events, segments or contacts. */
export type ProfilePart = 'profile' | 'events' | 'segments' | 'contacts';

/** The body of `GET /v1/profiles/<type>:<value>`: the core of identity's 360° view. */
export type ProfileResponseBody = Pick<Profile360, 'id' | 'identifiers' | 'traits' | 'consent'>;

/** The body of `DELETE /v1/profiles/<type>:<value>`: what identity deleted. */
export type DeleteResponseBody = { deleted: true } & DeletePersonOutcome;

const profileQuerySchema = z.object({ view: z.enum(['basic', '360']).optional() });

const eventsQuerySchema = z.object({
  limit: z.coerce.number().int().positive().max(10_000).optional(),
  cursor: z.string().min(1).max(2048).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

/**
 * Handles the Profile API: `GET /v1/profiles/<ref>` (`?view=360` for identity's whole 360° view),
 * `GET /v1/profiles/<ref>/events`, `GET /v1/profiles/<ref>/segments` (with the `segments`
 * option; read or admin key), `GET /v1/profiles/<ref>/contacts?period=` (with the `channels`
 * option) and `DELETE /v1/profiles/<ref>` (admin key).
 * Profiles of another workspace are simply not found (404).
 */
export async function profileRoute(
  request: CollectorRequest,
  route: { ref: string; part: ProfilePart; query: URLSearchParams },
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
  if (route.part === 'segments') {
    const engine = engineOf(options, workspaceId);
    const profile = await options.identity.getProfile(workspaceId, ref);
    if (profile === null) throw notFound(ref);
    return jsonResponse(200, await profileSegments(engine, profile.id));
  }
  if (route.part === 'contacts') {
    const profile = await options.identity.getProfile(workspaceId, ref);
    if (profile === null) throw notFound(ref);
    return profileContacts(options, workspaceId, profile.id, route.query);
  }
  if (route.part === 'events') {
    const query = parseOrThrow(eventsQuerySchema, Object.fromEntries(route.query), 'events query');
    return jsonResponse(200, await options.identity.listProfileEvents(workspaceId, ref, query));
  }
  const profile = await options.identity.getProfile(workspaceId, ref);
  if (profile === null) throw notFound(ref);
  const view = parseOrThrow(profileQuerySchema, Object.fromEntries(route.query), 'profile query').view;
  if (view === '360') {
    const engine = options.segments?.(workspaceId);
    const [segments, contacts] = await Promise.all([
      engine === undefined ? undefined : profileSegments(engine, profile.id),
      contactsExtension(options, workspaceId, profile.id),
    ]);
    if (segments === undefined && contacts === undefined) return jsonResponse(200, profile);
    const extensions = {
      ...profile.extensions,
      ...(segments === undefined
        ? {}
        : { segments: { memberships: segments.memberships, computedTraits: segments.computedTraits } }),
      ...(contacts === undefined ? {} : { contacts }),
    };
    return jsonResponse(200, { ...profile, extensions });
  }
  const body: ProfileResponseBody = {
    id: profile.id,
    identifiers: profile.identifiers,
    traits: profile.traits,
    consent: profile.consent,
  };
  return jsonResponse(200, body);
}

const notFound = (ref: { type: string; value: string }) =>
  new NotFoundError(`No profile with ${ref.type} ${JSON.stringify(ref.value)} in this workspace`);
