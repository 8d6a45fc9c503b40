import { isCxError } from '@cx/core';
import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import { errorResponse } from '../http/error-response';
import type { ResolvedOptions } from '../options';
import { errorPage, htmlResponse } from './html-pages';
import { acceptsHtml } from './request-body';

/**
 * The challenge on a `401` of a link route. The link is the credential, so no HTTP scheme
 * applies; and the collector's usual `Basic` challenge would make browsers ask for a password.
 */
const LINK_CHALLENGE = { 'www-authenticate': 'CxLink realm="cx"' };

/** The challenge on a `401` of `/v1/me/…`, which takes `Authorization: Bearer <profile token>`. */
const BEARER_CHALLENGE = { 'www-authenticate': 'Bearer realm="cx"' };

function failure(error: unknown, options: ResolvedOptions, challenge: Record<string, string>) {
  const response = errorResponse(error, isCxError(error, 'UNAUTHORIZED') ? challenge : {});
  // As the collector does for every other route: unexpected failures go to the logger.
  if (response.status >= 500) options.onError(error);
  return response;
}

/**
 * The answer to a failed link route (unsubscribe, preferences, click): a small HTML page with the
 * same status for a browser, the typed JSON error for anything else.
 */
export function linkFailure(
  error: unknown,
  request: CollectorRequest,
  options: ResolvedOptions,
): CollectorResponse {
  const response = failure(error, options, LINK_CHALLENGE);
  if (!acceptsHtml(request)) return response;
  return htmlResponse(response.status, errorPage(response.status));
}

/** The answer to a failed `/v1/me/…` route: the typed JSON error, with a `Bearer` challenge on `401`. */
export function bearerFailure(error: unknown, options: ResolvedOptions): CollectorResponse {
  return failure(error, options, BEARER_CHALLENGE);
}
