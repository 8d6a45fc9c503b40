import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCollector } from '../collector';
import { jsonResponse } from '../http/collector-http';
import type { CollectorOptions } from '../options';
import { fromNodeRequest, handleNodeRequest, sendNodeResponse } from './node-handler';

/** The parts of a Fastify instance the plugin uses (structural, so `fastify` stays optional). */
interface FastifyLike {
  prefix: string;
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    parser: (request: unknown, payload: unknown, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
  route(route: {
    method: string[];
    url: string;
    handler: (
      request: { raw: IncomingMessage },
      reply: { raw: ServerResponse; hijack(): void },
    ) => Promise<void>;
  }): unknown;
}

/**
 * A Fastify plugin serving the collection and Profile APIs; register it with a `prefix` to
 * mount it anywhere. It keeps Fastify's body parsers out of its own routes (it is encapsulated,
 * so the rest of the app keeps them) and streams each body within its limit.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { fastifyCollector } from '@cx/server';
 *
 * const app = Fastify();
 * await app.register(fastifyCollector, {
 *   prefix: '/cx',
 *   identity,
 *   workspaces: [{ writeKey: 'wk_live', workspaceId: 'acme' }],
 * });
 * await app.listen({ port: 3000 }); // sources send to http://localhost:3000/cx/v1/batch
 * ```
 */
export function fastifyCollector(
  instance: unknown,
  options: CollectorOptions,
  done: (error?: Error) => void,
): void {
  const fastify = instance as FastifyLike;
  let collector: ReturnType<typeof createCollector>;
  try {
    collector = createCollector(options);
  } catch (error) {
    done(error as Error);
    return;
  }
  const prefix = fastify.prefix;
  // Leave the stream unread: the collector reads it itself, stopping at the size limit.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
  fastify.route({
    method: ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'],
    url: '/v1/*',
    async handler(request, reply) {
      reply.hijack();
      const rawUrl = request.raw.url ?? '/';
      const url = prefix !== '' && rawUrl.startsWith(prefix) ? rawUrl.slice(prefix.length) : rawUrl;
      const notFound = () =>
        sendNodeResponse(
          reply.raw,
          jsonResponse(404, { error: { code: 'NOT_FOUND', message: `No route ${url}` } }),
        );
      await handleNodeRequest(collector, fromNodeRequest(request.raw, url), reply.raw, notFound).catch(
        (error: unknown) => {
          options.onError?.(error);
          sendNodeResponse(
            reply.raw,
            jsonResponse(500, { error: { code: 'INTERNAL', message: 'Internal server error' } }),
          );
        },
      );
    },
  });
  done();
}
