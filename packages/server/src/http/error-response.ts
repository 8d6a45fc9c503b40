import { isCxError, LimitError, type ValidationError } from '@cx/core';
import { type CollectorResponse, jsonResponse } from './collector-http';

/** The JSON error body every failed request gets. */
export interface ErrorBody {
  error: {
    /** A `CxErrorCode` (`VALIDATION`, `LIMIT`, `UNAUTHORIZED`, `NOT_FOUND`...) or `INTERNAL`. */
    code: string;
    message: string;
    /** Every problem found, for `VALIDATION` errors. */
    issues?: readonly { path: string; message: string; code: string }[];
  };
}

const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION: 400,
  LIMIT: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CONFIG: 500,
  ADAPTER: 503,
};

/** Builds the error body from any thrown value; non-cx errors become a bare `INTERNAL`. */
export function errorBody(error: unknown): ErrorBody {
  if (!isCxError(error)) return { error: { code: 'INTERNAL', message: 'Internal server error' } };
  const issues = 'issues' in error ? (error as ValidationError).issues : undefined;
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(issues !== undefined && issues.length > 0 ? { issues } : {}),
    },
  };
}

/** The HTTP response for a thrown value: status from the error code, JSON error body. */
export function errorResponse(
  error: unknown,
  headers: Record<string, string> = {},
  statusOverride?: number,
): CollectorResponse {
  const status = statusOverride ?? (isCxError(error) ? (STATUS_BY_CODE[error.code] ?? 500) : 500);
  const challenge: Record<string, string> = status === 401 ? { 'www-authenticate': 'Basic realm="cx"' } : {};
  return jsonResponse(status, errorBody(error), { ...challenge, ...headers });
}

/** A `LimitError` for a body over `limit` bytes. */
export function bodyTooLarge(what: string, limit: number, actual: number): LimitError {
  return new LimitError(`${what} is larger than the limit of ${limit} bytes`, limit, actual);
}
