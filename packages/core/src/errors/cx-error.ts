/** The machine-readable category of every error cx throws. */
export type CxErrorCode =
  | 'VALIDATION'
  | 'CONFIG'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'LIMIT'
  | 'ADAPTER'
  | 'UNAUTHORIZED';

/**
 * A brand shared by every copy of `@cx/core`, so `isCxError()` works even when two
 * versions of the package are installed side by side (where `instanceof` fails).
 */
const CX_ERROR_BRAND = Symbol.for('@cx/core/CxError');

/** Options common to every {@link CxError}. */
export interface CxErrorOptions {
  /** The underlying error, if this one wraps another. */
  cause?: unknown;
}

/**
 * The root of cx's error hierarchy. Match on {@link CxError.code}, never on message text.
 *
 * @example
 * ```ts
 * import { isCxError } from '@cx/core';
 * try { await storage.profiles.merge('acme', { into: 'a', from: 'b' }); }
 * catch (error) { if (isCxError(error, 'CONFLICT')) console.log('already merged'); }
 * ```
 */
export class CxError extends Error {
  readonly code: CxErrorCode;
  readonly [CX_ERROR_BRAND] = true;

  constructor(code: CxErrorCode, message: string, options: CxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }

  /** A plain JSON form, safe to send over HTTP or put in a rejection list. */
  toJSON(): { name: string; code: CxErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/**
 * True when `error` is a cx error (from any installed copy of `@cx/core`), optionally of one `code`.
 */
export function isCxError(error: unknown, code?: CxErrorCode): error is CxError {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as Record<symbol, unknown>)[CX_ERROR_BRAND] !== true) return false;
  return code === undefined || (error as CxError).code === code;
}
