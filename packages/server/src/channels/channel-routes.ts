import { NotFoundError } from '@cx/core';
import { authorize, MANAGE_CHANNELS, READ_CHANNELS } from '../auth/authorize';
import { basicAuthKey } from '../auth/basic-auth';
import { type RateLimiter, rateLimited } from '../collect/rate-limiter';
import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';
import { ME_PARTS, type MePart, meMethod, meRoute } from './me-routes';
import { messageRoute, outboxRoute, retryRoute } from './message-routes';
import { preferenceRoute } from './preference-route';
import { previewRoute } from './preview-route';
import { clickRoute, openRoute } from './tracking-route';
import { unsubscribeRoute } from './unsubscribe-route';
import { webhookRoute } from './webhook-route';

/** Which messaging route a request hit, with its decoded path parts. */
export type ChannelRoute =
  | { kind: 'unsubscribe'; token: string }
  | { kind: 'preferences'; token: string }
  | { kind: 'open'; token: string }
  | { kind: 'click'; token: string }
  | { kind: 'webhook'; workspaceId: string; adapterId: string }
  | { kind: 'message'; messageId: string }
  | { kind: 'preview' }
  | { kind: 'outbox' }
  | { kind: 'retry'; messageId: string }
  | { kind: 'me'; part: MePart };

const decode = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // kept as sent: nothing has that name, so it is simply not found
  }
};

const TOKEN_ROUTES = ['unsubscribe', 'preferences', 'open', 'click'] as const;

/**
 * Matches `channels/…` and `me/…` (the path after `/v1/`); `null` for anything else. Tokens are
 * kept as sent (they are base64url); ids are percent-decoded.
 */
export function matchChannelRoute(rest: string): ChannelRoute | null {
  if (rest.startsWith('me/')) {
    const part = rest.slice('me/'.length);
    return (ME_PARTS as readonly string[]).includes(part) ? { kind: 'me', part: part as MePart } : null;
  }
  if (!rest.startsWith('channels/')) return null;
  const path = rest.slice('channels/'.length);
  if (path === 'preview') return { kind: 'preview' };
  if (path === 'outbox') return { kind: 'outbox' };
  const token = /^([a-z]+)\/([^/]+)$/.exec(path);
  if (token !== null && (TOKEN_ROUTES as readonly string[]).includes(token[1]!)) {
    return { kind: token[1] as (typeof TOKEN_ROUTES)[number], token: token[2]! };
  }
  const message = /^messages\/([^/]+)$/.exec(path);
  if (message !== null) return { kind: 'message', messageId: decode(message[1]!) };
  const retry = /^outbox\/([^/]+)\/retry$/.exec(path);
  if (retry !== null) return { kind: 'retry', messageId: decode(retry[1]!) };
  const webhook = /^webhooks\/([^/]+)\/([^/]+)$/.exec(path);
  if (webhook !== null)
    return { kind: 'webhook', workspaceId: decode(webhook[1]!), adapterId: decode(webhook[2]!) };
  return null;
}

/**
 * The routes browsers call from other origins: `/v1/me/…` (a site's inbox widget, push
 * registration) and the preference JSON (a preference centre of your own). Their credential is a
 * token, never a cookie, so any origin may call them.
 */
const isCrossOrigin = (route: ChannelRoute) => route.kind === 'me' || route.kind === 'preferences';

/** The methods each route answers; cross-origin routes also answer the CORS preflight. */
export function channelMethods(route: ChannelRoute): readonly string[] {
  switch (route.kind) {
    case 'unsubscribe':
      return ['GET', 'POST'];
    case 'preferences':
      return ['GET', 'POST', 'OPTIONS'];
    case 'open':
    case 'click':
    case 'message':
    case 'outbox':
      return ['GET'];
    case 'webhook':
    case 'preview':
    case 'retry':
      return ['POST'];
    case 'me':
      return [meMethod(route.part), 'OPTIONS'];
  }
}

/** The CORS headers every answer of a cross-origin route carries (errors and `405` too). */
export function channelCorsHeaders(route: ChannelRoute): Record<string, string> {
  if (!isCrossOrigin(route)) return {};
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': channelMethods(route).join(', '),
    'access-control-allow-headers': 'Authorization, Content-Type',
  };
}

/**
 * The messaging routes: public link routes (the signed token is the credential), webhooks (the
 * provider's signature is), `/v1/me/…` (a profile token is) and key routes for messages, previews
 * and the outbox (read or admin keys; retry needs admin). Without the `channels` option every one
 * answers `404`, and `@cx/channels` is not loaded.
 */
export async function channelRoute(
  request: CollectorRequest,
  route: ChannelRoute,
  query: URLSearchParams,
  options: ResolvedOptions,
  limiter: RateLimiter | undefined,
): Promise<CollectorResponse> {
  if (request.method === 'OPTIONS') {
    return { status: 204, headers: { 'access-control-max-age': '86400' }, body: '' };
  }
  if (options.channels === undefined) throw new NotFoundError('Channels are not enabled on this server');
  switch (route.kind) {
    // Public: no key. A rate limit per token or address would let anyone exhaust someone else's
    // unsubscribes, so these are left to the proxy in front.
    case 'unsubscribe':
      return unsubscribeRoute(request, route.token, options);
    case 'preferences':
      return preferenceRoute(request, route.token, options);
    case 'open':
      return openRoute(route.token, options);
    case 'click':
      return clickRoute(request, route.token, options);
    case 'webhook':
      return webhookRoute(request, route, options);
    case 'me':
      return meRoute(request, route.part, query, options);
  }
  const key = authorize(
    options.keys,
    basicAuthKey(request.header('authorization')),
    route.kind === 'retry' ? MANAGE_CHANNELS : READ_CHANNELS,
  );
  const limited = rateLimited(limiter, key.id, options.clock);
  if (limited !== undefined) return limited;
  switch (route.kind) {
    case 'message':
      return messageRoute(options, key.workspaceId, route.messageId);
    case 'outbox':
      return outboxRoute(options, key.workspaceId, query);
    case 'retry':
      return retryRoute(options, key.workspaceId, route.messageId);
    case 'preview':
      return previewRoute(request, options, key.workspaceId);
  }
}
