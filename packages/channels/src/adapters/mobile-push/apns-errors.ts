import {
  type DeliveryError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../errors/delivery-errors';
import { retryAfterMs } from '../shared/retry-after';

/**
 * The `reason` of an APNs error response (`{ "reason": "BadDeviceToken" }`), or undefined.
 *
 * @example
 * ```ts
 * apnsReason('{"reason":"Unregistered","timestamp":1700000000000}'); // 'Unregistered'
 * ```
 */
export function apnsReason(body: string): string | undefined {
  try {
    const reason = (JSON.parse(body) as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sorts an APNs failure into cx's delivery errors:
 * - 410 `Unregistered`, 400 `BadDeviceToken` → `RecipientUnreachableError` (`subscription-expired`):
 *   the app is gone or the token is not one, delete it;
 * - 429, 500, 503 (and any 5xx) → `ProviderUnavailableError`;
 * - any other 4xx → `ProviderRejectedError` with the reason as `providerCode`.
 *
 * (403 `ExpiredProviderToken` is retried with a new token before it gets here.)
 *
 * @example
 * ```ts
 * throw apnsError('apns', 410, '{"reason":"Unregistered"}', undefined);
 * ```
 */
export function apnsError(
  adapter: string,
  status: number,
  body: string,
  retryAfter: string | undefined,
): DeliveryError {
  const reason = apnsReason(body);
  const common = {
    adapter,
    status,
    message: `${status}${reason ? ` ${reason}` : ''}`,
    ...(reason ? { providerCode: reason } : {}),
  };
  if (status === 410 || (status === 400 && reason === 'BadDeviceToken')) {
    return new RecipientUnreachableError({ ...common, reason: 'subscription-expired' });
  }
  if (status === 429 || status >= 500) {
    const wait = retryAfterMs(retryAfter);
    return new ProviderUnavailableError({ ...common, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
  }
  return new ProviderRejectedError(common);
}
