import type { DeviceToken, PushSubscription } from '@cx/channels';
import type { InboxStatusFilter } from '@cx/channels/in-app';
import { parseOrThrow, UnauthorizedError } from '@cx/core';
import { z } from 'zod';
import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import { jsonResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';
import { bearerFailure } from './channel-errors';
import { inboxOf, serviceForToken } from './channels-service';
import { readJson } from './request-body';

/** The `/v1/me/…` routes, by the path after `/v1/me/`. */
export const ME_PARTS = [
  'inbox',
  'inbox/unread-count',
  'inbox/read',
  'inbox/unread',
  'inbox/archive',
  'push-subscriptions',
  'devices',
] as const;

/** One `/v1/me/…` route. */
export type MePart = (typeof ME_PARTS)[number];

/** The method each `/v1/me/…` route answers (besides the CORS preflight). */
export const meMethod = (part: MePart): 'GET' | 'POST' =>
  part === 'inbox' || part === 'inbox/unread-count' ? 'GET' : 'POST';

const listQuerySchema = z.strictObject({
  status: z.enum(['unread', 'read', 'archived', 'active', 'all']).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().min(1).max(4096).optional(),
});

const idsSchema = z.array(z.string().min(1).max(256)).min(1, 'Give at least one id').max(100);
const idsBodySchema = z.strictObject({ ids: idsSchema });
const readBodySchema = z.union([idsBodySchema, z.strictObject({ all: z.literal(true) })], {
  error: 'Expected { ids: [...] } or { all: true }',
});

/**
 * The person a `Authorization: Bearer <profile token>` acts as, with their workspace's service.
 * The token (`links.profileToken(profileId)`, handed to the signed-in person's page by your
 * backend) is the only credential: no cookies, so these routes are safe to open to every origin.
 */
async function me(request: CollectorRequest, options: ResolvedOptions) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '');
  if (match === null)
    throw new UnauthorizedError('A profile token is required: Authorization: Bearer <token>');
  const token = match[1]!;
  const { service, links, workspaceId } = await serviceForToken(options, token);
  return { service, workspaceId, profileId: links.readProfileToken(token).p };
}

/**
 * `/v1/me/…`: what a browser or app does as one person. `GET inbox?status=&limit=&cursor=`
 * (a page, newest first), `GET inbox/unread-count`, `POST inbox/read` (`{ ids }` or
 * `{ all: true }`), `POST inbox/unread` and `POST inbox/archive` (`{ ids }`), `POST
 * push-subscriptions` (a browser's `PushSubscription` JSON) and `POST devices`
 * (`{ platform: 'fcm' | 'apns', token }`). A message of another person is `404`, as if it did
 * not exist; bad input is `400` with paths and changes nothing.
 */
export async function meRoute(
  request: CollectorRequest,
  part: MePart,
  query: URLSearchParams,
  options: ResolvedOptions,
): Promise<CollectorResponse> {
  try {
    const { service, workspaceId, profileId } = await me(request, options);
    switch (part) {
      case 'push-subscriptions': {
        // The registry validates the shape (https endpoint, key lengths) before it stores anything.
        const subscription = (await readJson(request, 'Push subscription')) as PushSubscription;
        await service.devices.addPushSubscription(profileId, subscription);
        return jsonResponse(200, { registered: true });
      }
      case 'devices': {
        const device = (await readJson(request, 'Device')) as DeviceToken;
        await service.devices.addDevice(profileId, device);
        return jsonResponse(200, { registered: true });
      }
      case 'inbox': {
        const inbox = inboxOf(options, workspaceId);
        const { status, limit, cursor } = parseOrThrow(
          listQuerySchema,
          Object.fromEntries(query),
          'inbox query',
        );
        const page = await inbox.list(profileId, {
          ...(status === undefined ? {} : { status: status as InboxStatusFilter }),
          ...(limit === undefined ? {} : { limit }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        return jsonResponse(200, page, { 'cache-control': 'no-store' });
      }
      case 'inbox/unread-count': {
        const inbox = inboxOf(options, workspaceId);
        return jsonResponse(
          200,
          { unreadCount: await inbox.unreadCount(profileId) },
          { 'cache-control': 'no-store' },
        );
      }
      case 'inbox/read': {
        const inbox = inboxOf(options, workspaceId);
        const body = parseOrThrow(readBodySchema, await readJson(request, 'Inbox change'), 'inbox change');
        return jsonResponse(
          200,
          'all' in body ? await inbox.markAllRead(profileId) : await inbox.markRead(profileId, body.ids),
        );
      }
      case 'inbox/unread':
      case 'inbox/archive': {
        const inbox = inboxOf(options, workspaceId);
        const { ids } = parseOrThrow(idsBodySchema, await readJson(request, 'Inbox change'), 'inbox change');
        return jsonResponse(
          200,
          part === 'inbox/unread'
            ? await inbox.markUnread(profileId, ids)
            : await inbox.archive(profileId, ids),
        );
      }
    }
  } catch (error) {
    return bearerFailure(error, options);
  }
}
