import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { ValidationError } from '@cx/core';
import { bodyTooLarge } from './error-response';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/**
 * After refusing an oversize body the rest is read and thrown away (never kept), so the client
 * gets the response instead of a reset connection; past this many bytes the connection is cut.
 */
const MAX_DISCARD_BYTES = 8 * 1024 * 1024;

/** Options of {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest body accepted, in bytes (after decompression). */
  limit: number;
  /** What the body is, for the error message: `Event`, `Batch`. */
  what: string;
  /** The `content-length` header, checked before anything is read. */
  contentLength?: string | undefined;
  /** The `content-encoding` header: `gzip` and `deflate` bodies are decompressed. */
  contentEncoding?: string | undefined;
}

/**
 * Reads a request body up to `limit` bytes. Larger bodies throw a `LimitError` as soon as the
 * limit is passed: at most `limit` bytes are ever held, whatever the client sends. Compressed
 * bodies are limited twice: compressed size and decompressed size.
 *
 * @throws `LimitError` when the body is larger than the limit; `ValidationError` for a bad encoding.
 */
export async function readBody(
  body: AsyncIterable<Uint8Array> | null,
  options: ReadBodyOptions,
): Promise<Buffer> {
  const encoding = options.contentEncoding?.trim().toLowerCase() || 'identity';
  if (!['identity', 'gzip', 'x-gzip', 'deflate'].includes(encoding)) {
    if (body !== null) discard(body[Symbol.asyncIterator]());
    throw new ValidationError(`Unsupported content-encoding: ${encoding}`, [
      { path: '', message: 'Use gzip, deflate or no content-encoding', code: 'unsupported_encoding' },
    ]);
  }
  const raw = await readRaw(body, options);
  if (encoding === 'identity') return raw;
  try {
    const inflateBody = encoding === 'deflate' ? inflateAsync : gunzipAsync;
    return await inflateBody(raw, { maxOutputLength: options.limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw bodyTooLarge(options.what, options.limit, options.limit + 1);
    }
    throw new ValidationError(`Body is not valid ${encoding} data`, [
      { path: '', message: 'Could not decompress the body', code: 'invalid_encoding' },
    ]);
  }
}

async function readRaw(body: AsyncIterable<Uint8Array> | null, options: ReadBodyOptions): Promise<Buffer> {
  if (body === null) return Buffer.alloc(0);
  const iterator = body[Symbol.asyncIterator]();
  const declared = options.contentLength === undefined ? Number.NaN : Number(options.contentLength);
  if (Number.isFinite(declared) && declared > options.limit) {
    discard(iterator);
    throw bodyTooLarge(options.what, options.limit, declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    size += next.value.byteLength;
    if (size > options.limit) {
      discard(iterator);
      throw bodyTooLarge(options.what, options.limit, size);
    }
    chunks.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
  }
  return Buffer.concat(chunks, size);
}

/** Reads and drops the rest of a refused body in the background, cutting it off past a cap. */
function discard(iterator: AsyncIterator<Uint8Array>): void {
  void (async () => {
    let dropped = 0;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        dropped += next.value.byteLength;
        if (dropped > MAX_DISCARD_BYTES) {
          await iterator.return?.();
          return;
        }
      }
    } catch {
      // The client went away: nothing left to drain.
    }
  })();
}
