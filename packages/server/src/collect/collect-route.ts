import type { EventType } from '@cx/core';
import type { IngestEventResult } from '@cx/identity';
import { authorize, COLLECT } from '../auth/authorize';
import { basicAuthKey } from '../auth/basic-auth';
import { type CollectorRequest, type CollectorResponse, jsonResponse } from '../http/collector-http';
import { bodyTooLarge } from '../http/error-response';
import { readBody } from '../http/read-body';
import type { ResolvedOptions } from '../options';
import { batchCalls, bodyWriteKey, parseJsonBody, singleCall } from './batch-payload';
import { type RateLimiter, rateLimited } from './rate-limiter';

/**
 * The body of a collection response. `success` is `true` whenever the request was taken
 * (as Segment answers); `results` has one entry per call, so a rejected call is never dropped
 * silently.
 */
export interface CollectResponseBody {
  success: boolean;
  accepted: number;
  duplicates: number;
  rejected: number;
  suppressed: number;
  results: readonly IngestEventResult[];
}

/** Which collection route a request hit: one call type, or a batch. */
export type CollectKind = EventType | 'batch';

/**
 * Handles `POST /v1/<type>` and `POST /v1/batch`: authenticate, rate limit, read the body
 * within its limit, expand the batch, ingest, and answer with per-call results.
 */
export async function collect(
  request: CollectorRequest,
  kind: CollectKind,
  options: ResolvedOptions,
  limiter: RateLimiter | undefined,
): Promise<CollectorResponse> {
  const headerKey = basicAuthKey(request.header('authorization'));
  let workspaceId: string | undefined;
  if (headerKey !== undefined) {
    const key = authorize(options.keys, headerKey, COLLECT);
    workspaceId = key.workspaceId;
    const limited = rateLimited(limiter, key.id, options.clock);
    if (limited !== undefined) return limited;
  }

  const limit = kind === 'batch' ? options.maxBatchBytes : options.maxEventBytes;
  const body =
    request.parsedBody !== undefined
      ? request.parsedBody
      : parseJsonBody(
          (
            await readBody(request.body, {
              limit,
              what: kind === 'batch' ? 'Batch' : 'Event',
              contentLength: request.header('content-length'),
              contentEncoding: request.header('content-encoding'),
            })
          ).toString('utf8'),
        );
  if (request.parsedBody !== undefined) {
    // A framework parsed the body already: its JSON size stands in for the bytes on the wire.
    const size = Buffer.byteLength(JSON.stringify(body) ?? '');
    if (size > limit) throw bodyTooLarge(kind === 'batch' ? 'Batch' : 'Event', limit, size);
  }

  if (workspaceId === undefined) {
    const key = authorize(options.keys, bodyWriteKey(body), COLLECT);
    workspaceId = key.workspaceId;
    const limited = rateLimited(limiter, key.id, options.clock);
    if (limited !== undefined) return limited;
  }

  const calls = kind === 'batch' ? batchCalls(body, options.maxEventBytes) : singleCall(body, kind);
  const result = await options.identity.ingest(workspaceId, calls, { receivedAt: options.clock.now() });
  const payload: CollectResponseBody = {
    success: true,
    accepted: result.accepted,
    duplicates: result.duplicates,
    rejected: result.rejected,
    suppressed: result.suppressed,
    results: result.results,
  };
  const only = result.results[0];
  if (kind !== 'batch' && only?.status === 'rejected') {
    // A single call's status tells its one outcome; a batch answers 200 with per-call results.
    const rejection = {
      code: only.code ?? 'VALIDATION',
      message: only.message ?? 'Event rejected',
      ...(only.issues === undefined ? {} : { issues: only.issues }),
    };
    return jsonResponse(400, { ...payload, success: false, error: rejection });
  }
  return jsonResponse(200, payload);
}
