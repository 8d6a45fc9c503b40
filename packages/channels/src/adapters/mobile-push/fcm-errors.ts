import {
  type DeliveryError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../errors/delivery-errors';
import { retryAfterMs } from '../shared/retry-after';

/** The `error` of an FCM HTTP v1 failure (google.rpc.Status with FCM details). */
interface FcmErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: { '@type'?: string; errorCode?: string; fieldViolations?: { field?: string }[] }[];
  };
}

/** The FCM error codes that mean "try again later", whatever the HTTP status says. */
const RETRYABLE = new Set(['UNAVAILABLE', 'INTERNAL', 'QUOTA_EXCEEDED']);

/**
 * Sorts an FCM HTTP v1 failure into cx's delivery errors:
 * - `UNREGISTERED` (404), or `INVALID_ARGUMENT` about `message.token` → `RecipientUnreachableError`
 *   `subscription-expired` (the app was uninstalled or the token is not one);
 * - 429, 5xx, `UNAVAILABLE`, `INTERNAL` → `ProviderUnavailableError` with `Retry-After`;
 * - any other 4xx → `ProviderRejectedError`, with FCM's error code as `providerCode`.
 *
 * @example
 * ```ts
 * if (!response.ok) throw fcmError('fcm', response.status, await response.text(), response.headers.get('retry-after'));
 * ```
 */
export function fcmError(
  adapter: string,
  status: number,
  text: string,
  retryAfter: string | null,
): DeliveryError {
  let body: FcmErrorBody = {};
  try {
    body = JSON.parse(text) as FcmErrorBody;
  } catch {
    // Not JSON (a proxy's error page): the status alone decides.
  }
  const error = body.error ?? {};
  const details = error.details ?? [];
  const fcmCode = details.find((detail) => detail.errorCode !== undefined)?.errorCode;
  const code = fcmCode ?? error.status;
  const message = `${status}${code ? ` ${code}` : ''}: ${error.message ?? text.slice(0, 300)}`;
  const common = { adapter, status, message, ...(code ? { providerCode: code } : {}) };

  const namesToken =
    details.some((detail) =>
      detail.fieldViolations?.some((violation) => violation.field === 'message.token'),
    ) || /registration token/i.test(error.message ?? '');
  if (code === 'UNREGISTERED' || (status === 400 && code === 'INVALID_ARGUMENT' && namesToken)) {
    return new RecipientUnreachableError({ ...common, reason: 'subscription-expired' });
  }
  if (status === 429 || status >= 500 || (code !== undefined && RETRYABLE.has(code))) {
    const wait = retryAfterMs(retryAfter);
    return new ProviderUnavailableError({ ...common, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
  }
  return new ProviderRejectedError(common);
}
