import { createCollector } from '../collector';
import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import { jsonResponse } from '../http/collector-http';
import type { CollectorOptions } from '../options';

/** Wraps a fetch-API `Request` for the collector. */
export function fromFetchRequest(request: Request): CollectorRequest {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    url: url.pathname + url.search,
    header: (name) => request.headers.get(name) ?? undefined,
    // The fetch API's Headers iterate with lower-case names.
    headers: () => Object.fromEntries(request.headers),
    body: request.body === null ? null : (request.body as unknown as AsyncIterable<Uint8Array>),
  };
}

/** Turns a collector response into a fetch-API `Response`. */
export function toFetchResponse(response: CollectorResponse): Response {
  // 204 and 304 must not carry a body, not even an empty one, in the fetch API.
  const body = response.status === 204 || response.status === 304 ? null : response.body;
  return new Response(body, { status: response.status, headers: response.headers });
}

const internalError = () =>
  toFetchResponse(jsonResponse(500, { error: { code: 'INTERNAL', message: 'Internal server error' } }));

/**
 * A fetch-style handler, `(Request) => Promise<Response>`, for Hono's `app.mount()`, Bun, Deno
 * or any server built on the fetch API. Paths outside `/v1/` get a JSON `404`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createFetchHandler } from '@cx/server';
 *
 * const app = new Hono();
 * app.mount('/cx', createFetchHandler({ identity, workspaces: [{ writeKey: 'wk_live', workspaceId: 'acme' }] }));
 * ```
 */
export function createFetchHandler(options: CollectorOptions): (request: Request) => Promise<Response> {
  const collector = createCollector(options);
  return async (request) => {
    try {
      const response = await collector.handle(fromFetchRequest(request));
      return toFetchResponse(
        response ??
          jsonResponse(404, {
            error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}` },
          }),
      );
    } catch (error) {
      options.onError?.(error);
      return internalError();
    }
  };
}

/** The parts of a Hono context the middleware uses. */
export interface HonoLikeContext {
  req: { raw: Request };
}

/**
 * Hono middleware serving the collection and Profile APIs; other paths go on to `next()`.
 * Hono passes the full path, so give the mount path as `basePath`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { honoCollector } from '@cx/server';
 *
 * const app = new Hono();
 * app.use('/cx/*', honoCollector({ basePath: '/cx', identity, workspaces: [{ writeKey: 'wk_live', workspaceId: 'acme' }] }));
 * ```
 */
export function honoCollector(
  options: CollectorOptions,
): (c: HonoLikeContext, next: () => Promise<void>) => Promise<Response | undefined> {
  const collector = createCollector(options);
  return async (c, next) => {
    let response: CollectorResponse | null;
    try {
      response = await collector.handle(fromFetchRequest(c.req.raw));
    } catch (error) {
      options.onError?.(error);
      return internalError();
    }
    if (response !== null) return toFetchResponse(response);
    await next();
    return undefined;
  };
}
