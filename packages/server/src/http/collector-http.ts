/**
 * The framework-neutral request the collector handles. Each adapter (node:http, fetch,
 * Express, Fastify, Hono) turns its own request into this shape.
 */
export interface CollectorRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path and query string, such as `/v1/profiles/email:an%40example.com/events?limit=10`. */
  url: string;
  /** Reads one header by lower-case name. */
  header(name: string): string | undefined;
  /** The raw body, read lazily so that an oversize body is never buffered whole. */
  body: AsyncIterable<Uint8Array> | null;
  /** A body a framework already parsed (Express with `express.json()` in front, for example). */
  parsedBody?: unknown;
}

/** What the collector answers. */
export interface CollectorResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

/** A JSON response with the given status and extra headers. */
export function jsonResponse(
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): CollectorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(payload),
  };
}
