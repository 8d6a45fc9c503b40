import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Collector, createCollector } from '../collector';
import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import { jsonResponse } from '../http/collector-http';
import type { CollectorOptions } from '../options';

/** A node:http request handler, as `http.createServer()` takes. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Wraps a node:http request (or an Express/Fastify raw request) for the collector. */
export function fromNodeRequest(
  req: IncomingMessage,
  url = req.url ?? '/',
  parsedBody?: unknown,
): CollectorRequest {
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url,
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    headers: () => {
      // node:http names headers in lower case already.
      const all: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) all[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return all;
    },
    body: parsedBody !== undefined || req.readableEnded ? null : req,
    ...(parsedBody === undefined ? {} : { parsedBody }),
  };
}

/** Writes a collector response to a node:http response. */
export function sendNodeResponse(res: ServerResponse, response: CollectorResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

/** Handles one node request with `collector`; `onMiss` runs when the path is not the collector's. */
export async function handleNodeRequest(
  collector: Collector,
  request: CollectorRequest,
  res: ServerResponse,
  onMiss: () => void,
): Promise<void> {
  const response = await collector.handle(request);
  if (response === null) onMiss();
  else sendNodeResponse(res, response);
}

/**
 * A node:http handler serving the collection and Profile APIs under `/v1/`. Other paths get
 * a JSON `404`. Mount it in any server that speaks node:http.
 *
 * @throws `ConfigError` when the options are invalid.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { memoryStorage } from '@cx/core';
 * import { createIdentity } from '@cx/identity';
 * import { createCollectionHandler } from '@cx/server';
 *
 * const identity = createIdentity({ storage: memoryStorage() });
 * const handler = createCollectionHandler({ identity, workspaces: [{ writeKey: 'wk_live', workspaceId: 'acme' }] });
 * createServer(handler).listen(8080);
 * ```
 */
export function createCollectionHandler(options: CollectorOptions): NodeHandler {
  const collector = createCollector(options);
  return (req, res) => {
    const notFound = () =>
      sendNodeResponse(
        res,
        jsonResponse(404, { error: { code: 'NOT_FOUND', message: `No route ${req.method} ${req.url}` } }),
      );
    handleNodeRequest(collector, fromNodeRequest(req), res, notFound).catch((error: unknown) => {
      options.onError?.(error);
      sendNodeResponse(
        res,
        jsonResponse(500, { error: { code: 'INTERNAL', message: 'Internal server error' } }),
      );
    });
  };
}
