import { NotFoundError } from '@cx/core';
import {
  type ChannelRoute,
  channelCorsHeaders,
  channelMethods,
  channelRoute,
  matchChannelRoute,
} from './channels/channel-routes';
import { isEventType } from './collect/batch-payload';
import { type CollectKind, collect } from './collect/collect-route';
import { createRateLimiter } from './collect/rate-limiter';
import { type CollectorRequest, type CollectorResponse, jsonResponse } from './http/collector-http';
import { errorResponse } from './http/error-response';
import { type CollectorOptions, resolveOptions } from './options';
import { type ProfilePart, profileRoute } from './profiles/profile-routes';
import {
  matchSegmentRoute,
  type SegmentRoute,
  segmentMethods,
  segmentRoute,
} from './segments/segment-routes';
import { matchWorkRoute, WORK_METHODS, type WorkRoute, workRoute } from './work/work-routes';

/** A collector: the whole HTTP API as one framework-neutral function. */
export interface Collector {
  /**
   * Answers one request, or returns `null` when the path is not the collector's (outside
   * `/v1/`), so that a host framework can pass it on.
   */
  handle(request: CollectorRequest): Promise<CollectorResponse | null>;
}

/**
 * Collection is open to browsers on any origin, as Segment's is: the write key is public by
 * design. The Profile API sends no CORS headers, so browsers cannot read profiles cross-origin.
 */
const COLLECT_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, Content-Encoding',
};

type Route =
  | { name: 'collect'; kind: CollectKind; methods: readonly string[] }
  | { name: 'profile'; ref: string; part: ProfilePart; methods: readonly string[] }
  | { name: 'work'; route: WorkRoute; methods: readonly string[] }
  | { name: 'segments'; route: SegmentRoute; methods: readonly string[] }
  | { name: 'channels'; route: ChannelRoute; methods: readonly string[] }
  | { name: 'unknown' };

function matchRoute(pathname: string): Route | null {
  if (!pathname.startsWith('/v1/')) return null;
  const rest = pathname.slice('/v1/'.length);
  if (rest === 'batch' || rest === 'import') return { name: 'collect', kind: 'batch', methods: ['POST'] };
  if (isEventType(rest)) return { name: 'collect', kind: rest, methods: ['POST'] };
  const profile = /^profiles\/([^/]+)(?:\/(events|segments|contacts))?$/.exec(rest);
  if (profile !== null) {
    const part = (profile[2] ?? 'profile') as ProfilePart;
    return {
      name: 'profile',
      ref: profile[1]!,
      part,
      methods: part === 'profile' ? ['GET', 'DELETE'] : ['GET'],
    };
  }
  const segments = matchSegmentRoute(rest);
  if (segments !== null) return { name: 'segments', route: segments, methods: segmentMethods(segments) };
  const work = matchWorkRoute(rest);
  if (work !== null) return { name: 'work', route: work, methods: WORK_METHODS[work.kind] };
  const channels = matchChannelRoute(rest);
  if (channels !== null) return { name: 'channels', route: channels, methods: channelMethods(channels) };
  return { name: 'unknown' };
}

/**
 * Builds the collector behind every adapter: Segment's HTTP Tracking API (`POST /v1/identify`,
 * `track`, `page`, `screen`, `group`, `alias`, `batch`), the Profile API
 * (`GET|DELETE /v1/profiles/<type>:<value>`, `GET /v1/profiles/<type>:<value>/events`),
 * with the `work` option the work queue's operator API (`/v1/work`, admin keys), with the
 * `segments` option the segment API (`/v1/segments…`, `GET /v1/profiles/<type>:<value>/segments`)
 * and, with the `channels` option, the messaging endpoints (`/v1/channels/…`, `/v1/me/…`,
 * `GET /v1/profiles/<type>:<value>/contacts`).
 * Most code uses an adapter instead: {@link createCollectionHandler} (node:http),
 * {@link expressCollector}, {@link fastifyCollector}, {@link honoCollector}, {@link createFetchHandler}.
 *
 * @throws `ConfigError` when the options are invalid.
 */
export function createCollector(input: CollectorOptions): Collector {
  const options = resolveOptions(input);
  const limiter =
    options.rateLimit === undefined
      ? undefined
      : createRateLimiter({ ...options.rateLimit, clock: options.clock });
  const answer = async (
    request: CollectorRequest,
    route: Route,
    pathname: string,
    query: URLSearchParams,
  ): Promise<CollectorResponse> => {
    try {
      if (route.name === 'unknown') throw new NotFoundError(`No route ${request.method} ${pathname}`);
      if (route.name === 'collect' && request.method === 'OPTIONS') {
        // Browser sources (analytics.js) post cross-origin: answer the CORS preflight.
        return { status: 204, headers: { 'access-control-max-age': '86400' }, body: '' };
      }
      if (!route.methods.includes(request.method)) {
        return jsonResponse(
          405,
          {
            error: { code: 'METHOD_NOT_ALLOWED', message: `${request.method} is not allowed on ${pathname}` },
          },
          { allow: route.methods.join(', ') },
        );
      }
      if (route.name === 'collect') return await collect(request, route.kind, options, limiter);
      if (route.name === 'work') return await workRoute(request, route.route, query, options, limiter);
      if (route.name === 'segments') return await segmentRoute(request, route.route, options, limiter);
      if (route.name === 'channels') {
        return await channelRoute(request, route.route, query, options, limiter);
      }
      return await profileRoute(request, { ...route, query }, options, limiter);
    } catch (error) {
      const response = errorResponse(error);
      if (response.status >= 500) options.onError(error);
      return response;
    }
  };
  return {
    async handle(request) {
      const url = new URL(request.url, 'http://collector.invalid');
      let pathname = url.pathname;
      if (options.basePath !== '') {
        if (pathname !== options.basePath && !pathname.startsWith(`${options.basePath}/`)) return null;
        pathname = pathname.slice(options.basePath.length);
      }
      const route = matchRoute(pathname);
      if (route === null) return null;
      const response = await answer(request, route, pathname, url.searchParams);
      if (route.name === 'channels') {
        return { ...response, headers: { ...response.headers, ...channelCorsHeaders(route.route) } };
      }
      if (route.name !== 'collect') return response;
      return { ...response, headers: { ...response.headers, ...COLLECT_CORS } };
    },
  };
}
