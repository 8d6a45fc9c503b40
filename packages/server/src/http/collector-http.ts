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
  /**
   * Every header, by lower-case name. Optional: only webhook routes need them all (a provider may
   * sign any of its headers); without it they see the headers providers are known to sign.
   */
  headers?(): Record<string, string>;
  /** The raw body, read lazily so that an oversize body is never buffered whole. */
  body: AsyncIterable<Uint8Array> | null;
  /** A body a framework already parsed (Express with `express.json()` in front, for example). */
  parsedBody?: unknown;
}

/** What the collector answers. */
export interface CollectorResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text, an HTML page (the unsubscribe and preference pages), or bytes (the tracking pixel). */
  body: string | Uint8Array;
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
