import { ConflictError, NotFoundError, parseOrThrow, type WorkQueue } from '@cx/core';
import { z } from 'zod';
import { authorize, MANAGE } from '../auth/authorize';
import { basicAuthKey } from '../auth/basic-auth';
import { type RateLimiter, rateLimited } from '../collect/rate-limiter';
import { type CollectorRequest, type CollectorResponse, jsonResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';

/** Which operator route a request hit, with its decoded path parts. */
export type WorkRoute =
  | { kind: 'stats' }
  | { kind: 'dead-letters'; queue: string }
  | { kind: 'item'; queue: string; key: string }
  | { kind: 'retry'; queue: string; key: string };

/** The methods each operator route answers. */
export const WORK_METHODS: Record<WorkRoute['kind'], readonly string[]> = {
  stats: ['GET'],
  'dead-letters': ['GET'],
  item: ['GET', 'DELETE'],
  retry: ['POST'],
};

const pageQuerySchema = z.object({
  limit: z.coerce.number().int().positive().max(1000).optional(),
  cursor: z.string().min(1).max(2048).optional(),
});

/**
 * Matches `work`, `work/<queue>/dead-letters`, `work/<queue>/items/<key>` and
 * `work/<queue>/items/<key>/retry` (the path after `/v1/`); `null` for anything else. Parts are
 * percent-decoded; the store validates them.
 */
export function matchWorkRoute(rest: string): WorkRoute | null {
  if (rest === 'work') return { kind: 'stats' };
  const match = /^work\/([^/]+)\/(?:(dead-letters)|items\/([^/]+)(\/retry)?)$/.exec(rest);
  if (match === null) return null;
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part; // the store refuses it with a VALIDATION error naming the field
    }
  };
  const queue = decode(match[1]!);
  if (match[2] !== undefined) return { kind: 'dead-letters', queue };
  const key = decode(match[3]!);
  return match[4] === undefined ? { kind: 'item', queue, key } : { kind: 'retry', queue, key };
}

/**
 * The operator API over the work queue (admin keys only): counts per queue, dead letters with
 * their last error, one item, cancelling an item and retrying a dead letter (scheduled again
 * now, attempts from 0).
 */
export async function workRoute(
  request: CollectorRequest,
  route: WorkRoute,
  query: URLSearchParams,
  options: ResolvedOptions,
  limiter: RateLimiter | undefined,
): Promise<CollectorResponse> {
  const key = authorize(options.keys, basicAuthKey(request.header('authorization')), MANAGE);
  const limited = rateLimited(limiter, key.id, options.clock);
  if (limited !== undefined) return limited;
  const work: WorkQueue | undefined = options.work;
  if (work === undefined) throw new NotFoundError('No work queue is configured on this server');
  const { workspaceId } = key;

  switch (route.kind) {
    case 'stats':
      return jsonResponse(200, { queues: await work.stats(workspaceId) });
    case 'dead-letters': {
      const page = parseOrThrow(pageQuerySchema, Object.fromEntries(query), 'dead-letter query');
      return jsonResponse(200, await work.deadLetters(workspaceId, route.queue, page));
    }
    case 'item': {
      if (request.method === 'DELETE') {
        if (!(await work.cancel(workspaceId, route.queue, route.key))) throw notFound(route);
        return jsonResponse(200, { cancelled: true });
      }
      const item = await work.get(workspaceId, route.queue, route.key);
      if (item === null) throw notFound(route);
      return jsonResponse(200, item);
    }
    case 'retry': {
      const item = await work.get(workspaceId, route.queue, route.key);
      if (item === null) throw notFound(route);
      if (item.state !== 'dead') {
        throw new ConflictError(
          `Work item ${route.queue}/${route.key} is ${item.state}, not dead; nothing to retry`,
        );
      }
      const [revived] = await work.schedule(workspaceId, [
        { queue: route.queue, key: route.key, payload: item.payload, ifExists: 'replace' },
      ]);
      return jsonResponse(200, revived);
    }
  }
}

const notFound = (route: { queue: string; key: string }) =>
  new NotFoundError(`No work item ${route.queue}/${route.key} in this workspace`);
