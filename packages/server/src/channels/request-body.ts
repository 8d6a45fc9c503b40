import { ValidationError } from '@cx/core';
import { parseJsonBody } from '../collect/batch-payload';
import type { CollectorRequest } from '../http/collector-http';
import { bodyTooLarge } from '../http/error-response';
import { readBody } from '../http/read-body';

/** Largest form or JSON body the page and `/v1/me` routes take: far above any real one. */
export const MAX_FORM_BYTES = 64 * 1024;

const mediaType = (request: CollectorRequest) =>
  (request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/** True when the body is JSON (by `Content-Type`, or a framework parsed it into an object). */
export function hasJsonBody(request: CollectorRequest): boolean {
  const type = mediaType(request);
  if (type === 'application/json' || type.endsWith('+json')) return true;
  return type === '' && request.parsedBody !== undefined && typeof request.parsedBody === 'object';
}

/** True when the client asked for JSON rather than a page (`Accept: application/json`, no `text/html`). */
export function prefersJson(request: CollectorRequest): boolean {
  const accept = (request.header('accept') ?? '').toLowerCase();
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** True when the client is a browser that takes pages (`Accept` names `text/html`). */
export function acceptsHtml(request: CollectorRequest): boolean {
  return (request.header('accept') ?? '').toLowerCase().includes('text/html');
}

async function readText(request: CollectorRequest, what: string, limit: number): Promise<string> {
  const body = await readBody(request.body, {
    limit,
    what,
    contentLength: request.header('content-length'),
    contentEncoding: request.header('content-encoding'),
  });
  return body.toString('utf8');
}

/** The JSON body within `limit` bytes; bad JSON is a `ValidationError`. */
export async function readJson(
  request: CollectorRequest,
  what: string,
  limit = MAX_FORM_BYTES,
): Promise<unknown> {
  if (request.parsedBody !== undefined) {
    const size = Buffer.byteLength(JSON.stringify(request.parsedBody) ?? '');
    if (size > limit) throw bodyTooLarge(what, limit, size);
    return request.parsedBody;
  }
  return parseJsonBody(await readText(request, what, limit));
}

/**
 * An HTML form's fields (`application/x-www-form-urlencoded`, what browsers send without an
 * `enctype`), or the fields a framework's form parser already produced.
 */
export async function readForm(request: CollectorRequest, what: string): Promise<URLSearchParams> {
  const parsed = request.parsedBody;
  if (parsed !== undefined) {
    if (typeof parsed === 'string') return new URLSearchParams(parsed);
    const fields = new URLSearchParams();
    for (const [name, value] of Object.entries((parsed ?? {}) as Record<string, unknown>)) {
      for (const each of Array.isArray(value) ? value : [value]) fields.append(name, String(each));
    }
    return fields;
  }
  const type = mediaType(request);
  if (type !== '' && type !== 'application/x-www-form-urlencoded') {
    throw new ValidationError(`${what} must be application/x-www-form-urlencoded or JSON`, [
      { path: '', message: `Unsupported content-type ${type}`, code: 'unsupported_media_type' },
    ]);
  }
  return new URLSearchParams(await readText(request, what, MAX_FORM_BYTES));
}

/**
 * Reads a body whose content does not matter (the RFC 8058 one-click `POST`), so the connection
 * stays usable; an oversize one is still refused.
 */
export async function skipBody(request: CollectorRequest, what: string): Promise<void> {
  if (request.parsedBody === undefined) await readText(request, what, MAX_FORM_BYTES);
}
