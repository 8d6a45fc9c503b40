import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCollector } from '../collector';
import type { CollectorOptions } from '../options';
import { fromNodeRequest, handleNodeRequest } from './node-handler';

/** The request fields the Express adapter reads (Express's `Request` has them). */
export type ExpressLikeRequest = IncomingMessage & { body?: unknown };

/** An Express middleware: `(req, res, next)`. */
export type ExpressMiddleware = (
  req: ExpressLikeRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Express middleware serving the collection and Profile APIs. Mount it at any path (Express
 * strips the mount path); requests outside `/v1/` fall through to `next()`. Put it before
 * `express.json()` so the body streams within its limit; when a body parser ran first, the
 * parsed body is used and its JSON size is checked instead.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { expressCollector } from '@cx/server';
 *
 * const app = express();
 * app.use('/cx', expressCollector({ identity, workspaces: [{ writeKey: 'wk_live', workspaceId: 'acme' }] }));
 * app.listen(3000); // sources send to http://localhost:3000/cx/v1/batch
 * ```
 */
export function expressCollector(options: CollectorOptions): ExpressMiddleware {
  const collector = createCollector(options);
  return (req, res, next) => {
    const parsed = req.readableEnded && req.body !== undefined ? req.body : undefined;
    handleNodeRequest(collector, fromNodeRequest(req, req.url, parsed), res, () => next()).catch(
      (error: unknown) => {
        if (res.headersSent) return;
        next(error);
      },
    );
  };
}
