import { NotFoundError } from '@cx/core';
import type { Explanation, SegmentDefinition, SegmentEngine, SegmentSummary } from '@cx/segments';
import { authorize, MANAGE_SEGMENTS, READ_SEGMENTS } from '../auth/authorize';
import { basicAuthKey } from '../auth/basic-auth';
import { parseJsonBody } from '../collect/batch-payload';
import { type RateLimiter, rateLimited } from '../collect/rate-limiter';
import { type CollectorRequest, type CollectorResponse, jsonResponse } from '../http/collector-http';
import { bodyTooLarge } from '../http/error-response';
import { readBody } from '../http/read-body';
import type { ResolvedOptions } from '../options';
import { resolveProfileId } from '../profiles/profile-ref';

/** Largest segment definition accepted, in bytes: far above any hand-written tree. */
export const MAX_DEFINITION_BYTES = 256 * 1024;

/** How many member ids a preview shows. */
const PREVIEW_SAMPLE = 20;

/** Which segment route a request hit, with its decoded path parts. */
export type SegmentRoute =
  | { kind: 'list' }
  | { kind: 'one'; id: string }
  | { kind: 'explain'; id: string; ref: string };

/** The body of `GET /v1/segments`. */
export interface SegmentListBody {
  items: SegmentSummary[];
}

/** The body of `POST /v1/segments`: the version saved, and where it is on its way to live. */
export interface SegmentSavedBody {
  id: string;
  version: number;
  /** `replaying` or `settling` until the engine has applied it to the history, then `live`. */
  status: SegmentSummary['status'];
}

/** The body of `POST /v1/segments/preview`: who the definition holds now, without saving it. */
export interface SegmentPreviewBody {
  size: number;
  /** The first 20 member profile ids, in id order. */
  sample: string[];
  /** `sql` (one query on SQLite or PostgreSQL) or `stream` (a pass over the event log). */
  method: 'sql' | 'stream';
}

/** The body of `GET /v1/profiles/<ref>/segments`, and `extensions.segments` of the 360° view. */
export interface ProfileSegmentsBody {
  profileId: string;
  /** The live segments the profile is in now, and when it entered each. */
  memberships: { segmentId: string; enteredAt: string }[];
  /** The live computed traits' values now, by trait id. */
  computedTraits: Record<string, unknown>;
}

/** The methods each segment route answers (`/v1/segments/preview` is also the segment `preview`). */
export function segmentMethods(route: SegmentRoute): readonly string[] {
  if (route.kind === 'list') return ['GET', 'POST'];
  if (route.kind === 'explain') return ['GET'];
  return route.id === 'preview' ? ['GET', 'POST', 'DELETE'] : ['GET', 'DELETE'];
}

/**
 * Matches `segments`, `segments/<id>` and `segments/<id>/explain/<person>` (the path after
 * `/v1/`); `null` for anything else. The id is percent-decoded; the person is decoded later,
 * as the Profile API decodes it.
 */
export function matchSegmentRoute(rest: string): SegmentRoute | null {
  if (rest === 'segments') return { kind: 'list' };
  const match = /^segments\/([^/]+)(?:\/explain\/([^/]+))?$/.exec(rest);
  if (match === null) return null;
  let id = match[1]!;
  try {
    id = decodeURIComponent(id);
  } catch {
    // Kept as sent: no segment has that id, so it is simply not found.
  }
  return match[2] === undefined ? { kind: 'one', id } : { kind: 'explain', id, ref: match[2] };
}

/** `@cx/segments`, loaded on the first preview or explanation: a server without segments never loads it. */
const segmentsModule = () => import('@cx/segments');

/** The engine of the key's workspace, or a `NotFoundError` when segments are off there. */
export function engineOf(options: ResolvedOptions, workspaceId: string): SegmentEngine {
  const engine = options.segments?.(workspaceId);
  if (engine === undefined) throw new NotFoundError('Segments are not enabled on this server');
  return engine;
}

/**
 * The segment API: list, read, save (admin), remove (admin), preview an unsaved definition and
 * explain a profile's membership. Saving validates the whole definition and its references
 * before anything is stored, so a refused definition leaves every stored one as it was.
 */
export async function segmentRoute(
  request: CollectorRequest,
  route: SegmentRoute,
  options: ResolvedOptions,
  limiter: RateLimiter | undefined,
): Promise<CollectorResponse> {
  const writes = request.method === 'DELETE' || (request.method === 'POST' && route.kind === 'list');
  const key = authorize(
    options.keys,
    basicAuthKey(request.header('authorization')),
    writes ? MANAGE_SEGMENTS : READ_SEGMENTS,
  );
  const limited = rateLimited(limiter, key.id, options.clock);
  if (limited !== undefined) return limited;
  const engine = engineOf(options, key.workspaceId);

  if (route.kind === 'list') {
    if (request.method === 'POST') {
      const saved = await engine.define(await readDefinition(request));
      const summary = await engine.get(saved.id);
      // Until the new version is live, the summary shows the version still serving.
      const status = summary?.version === saved.version ? summary.status : 'replaying';
      return jsonResponse(200, { ...saved, status } satisfies SegmentSavedBody);
    }
    return jsonResponse(200, { items: await engine.list() } satisfies SegmentListBody);
  }
  if (route.kind === 'explain') {
    if ((await engine.get(route.id)) === null) throw noSegment(route.id);
    const profileId = await resolveProfileId(options.identity, key.workspaceId, route.ref);
    const { explain } = await segmentsModule();
    return jsonResponse(200, (await explain(engine, profileId, route.id)) satisfies Explanation);
  }
  if (request.method === 'POST')
    return jsonResponse(200, await preview(engine, await readDefinition(request)));
  if (request.method === 'DELETE') {
    await engine.remove(route.id);
    return jsonResponse(200, { deleted: true, id: route.id });
  }
  const summary = await engine.get(route.id);
  if (summary === null) throw noSegment(route.id);
  return jsonResponse(200, summary);
}

/** A profile's memberships and computed traits now. */
export async function profileSegments(
  engine: SegmentEngine,
  profileId: string,
): Promise<ProfileSegmentsBody> {
  const [memberships, computedTraits] = await Promise.all([
    engine.segmentsOf(profileId),
    engine.computedTraitsOf(profileId),
  ]);
  return { profileId, memberships, computedTraits };
}

/**
 * Members of an unsaved definition at the engine's now, over the stored history, with the saved
 * segments and computed traits as the context its references resolve against.
 */
async function preview(engine: SegmentEngine, definition: SegmentDefinition): Promise<SegmentPreviewBody> {
  const [segments, computedTraits] = await Promise.all([engine.list(), engine.listComputedTraits()]);
  const { computeMembers } = await segmentsModule();
  const { members, method } = await computeMembers(engine.storage, engine.workspaceId, definition, {
    at: engine.clock.now(),
    segments: segments.map((segment) => segment.definition),
    computedTraits,
  });
  return { size: members.length, sample: members.slice(0, PREVIEW_SAMPLE), method };
}

/**
 * The JSON body, read within {@link MAX_DEFINITION_BYTES}. Typed as a definition only because
 * `define` and `computeMembers` validate every field themselves before using any.
 */
async function readDefinition(request: CollectorRequest): Promise<SegmentDefinition> {
  if (request.parsedBody !== undefined) {
    // A framework parsed the body already: its JSON size stands in for the bytes on the wire.
    const size = Buffer.byteLength(JSON.stringify(request.parsedBody) ?? '');
    if (size > MAX_DEFINITION_BYTES) throw bodyTooLarge('Segment definition', MAX_DEFINITION_BYTES, size);
    return request.parsedBody as SegmentDefinition;
  }
  const body = await readBody(request.body, {
    limit: MAX_DEFINITION_BYTES,
    what: 'Segment definition',
    contentLength: request.header('content-length'),
    contentEncoding: request.header('content-encoding'),
  });
  return parseJsonBody(body.toString('utf8')) as SegmentDefinition;
}

const noSegment = (id: string) => new NotFoundError(`No segment ${id} in this workspace`);
