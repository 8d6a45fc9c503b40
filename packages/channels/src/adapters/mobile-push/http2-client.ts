import { type ClientHttp2Session, connect, constants } from 'node:http2';

/**
 * A response read in full.
 *
 * @example
 * ```ts
 * const { status, headers, body }: Http2Response = await client.request(headers, '{}', { timeoutMs: 15_000 });
 * ```
 */
export interface Http2Response {
  status: number;
  /** Response headers, lower case, without pseudo-headers. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Options of one {@link Http2Client.request}.
 *
 * @example
 * ```ts
 * const options: Http2RequestOptions = { timeoutMs: 15_000, signal: AbortSignal.timeout(20_000) };
 * ```
 */
export interface Http2RequestOptions {
  signal?: AbortSignal;
  /** Gives up after this many ms of silence on the stream. */
  timeoutMs: number;
}

/**
 * One HTTP/2 connection to one origin, opened when first needed and reopened when it closes.
 *
 * @example
 * ```ts
 * const client: Http2Client = http2Client('https://api.push.apple.com');
 * ```
 */
export interface Http2Client {
  /** Sends a request on the shared connection and reads the whole response. */
  request(
    headers: Record<string, string>,
    body: string,
    options: Http2RequestOptions,
  ): Promise<Http2Response>;
  /** Opens the connection (if it is not open) and waits until it is up. */
  connect(timeoutMs: number): Promise<void>;
  /** Closes the connection, letting streams in flight finish. */
  close(): Promise<void>;
}

/** The server refused a stream before processing it, so sending it again cannot deliver it twice. */
class RefusedError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

/**
 * A reused HTTP/2 connection. Apple asks providers to keep their APNs connection open across
 * notifications rather than connect per push (it may treat rapid reconnects as a denial of
 * service); every stream multiplexes on one session, and a session that closes or receives GOAWAY
 * is dropped so the next request opens a fresh one.
 *
 * @example
 * ```ts
 * const client = http2Client('https://api.push.apple.com');
 * const response = await client.request({ ':method': 'POST', ':path': '/3/device/abc' }, '{}', { timeoutMs: 15_000 });
 * await client.close();
 * ```
 */
export function http2Client(origin: string): Http2Client {
  let session: ClientHttp2Session | undefined;

  function open(): ClientHttp2Session {
    if (session && !session.closed && !session.destroyed) return session;
    const fresh = connect(origin);
    const forget = () => {
      if (session === fresh) session = undefined;
    };
    // A session error also fails the streams on it, which is where callers hear of it.
    fresh.on('error', forget);
    fresh.on('goaway', forget);
    fresh.on('close', forget);
    session = fresh;
    return fresh;
  }

  /** One try on the current session; `refused` when the server never started on the request. */
  function attempt(
    headers: Record<string, string>,
    body: string,
    options: Http2RequestOptions,
  ): Promise<Http2Response> {
    return new Promise<Http2Response>((resolve, reject) => {
      const current = open();
      let stream: ReturnType<ClientHttp2Session['request']>;
      try {
        stream = current.request(headers, options.signal ? { signal: options.signal } : {});
      } catch (error) {
        // The session went away between open() and request(): nothing was sent.
        if (session === current) session = undefined;
        reject(new RefusedError((error as Error).message, error));
        return;
      }
      let status = 0;
      const responseHeaders: Record<string, string> = {};
      const chunks: Buffer[] = [];
      stream.setTimeout(options.timeoutMs, () => {
        stream.close(constants.NGHTTP2_CANCEL);
        reject(new Error(`no answer within ${options.timeoutMs} ms`));
      });
      stream.on('response', (received) => {
        status = Number(received[':status']);
        for (const [name, value] of Object.entries(received)) {
          if (!name.startsWith(':') && value !== undefined) {
            responseHeaders[name] = Array.isArray(value) ? value.join(', ') : String(value);
          }
        }
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () =>
        resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') }),
      );
      const fail = (error?: Error) => {
        // REFUSED_STREAM (or a GOAWAY that came first) means the server did not process the request.
        if (status === 0 && stream.rstCode === constants.NGHTTP2_REFUSED_STREAM) {
          if (session === current) session = undefined;
          reject(new RefusedError(error?.message ?? 'the stream was refused', error));
        } else {
          reject(error ?? new Error(`the stream closed (HTTP/2 code ${stream.rstCode})`));
        }
      };
      stream.on('error', fail);
      // A reset without an error ends here; after 'end' or 'error' this is a no-op.
      stream.on('close', () => fail());
      stream.end(body);
    });
  }

  return {
    async request(headers, body, options) {
      try {
        return await attempt(headers, body, options);
      } catch (error) {
        // APNs closes idle connections with GOAWAY; a request caught in that race was never
        // processed, so it is safe to send it once more on a fresh connection.
        if (!(error instanceof RefusedError)) throw error;
        return attempt(headers, body, options);
      }
    },
    connect(timeoutMs) {
      const current = open();
      if (current.connecting === false) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`could not connect within ${timeoutMs} ms`)),
          timeoutMs,
        );
        current.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
        current.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    },
    close() {
      const current = session;
      session = undefined;
      if (!current || current.closed) return Promise.resolve();
      return new Promise<void>((resolve) => current.close(() => resolve()));
    },
  };
}
