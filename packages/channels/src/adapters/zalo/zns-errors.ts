import {
  type DeliveryError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../errors/delivery-errors';
import { msUntilVietnamHour, vietnamHour } from './vietnam-time';
import { ZNS_ERROR_CODES } from './zns-error-codes';

/** How long to wait for a row that names the hour sending opens again, when that is known. */
function waitFor(opensAt: number | undefined, nowMs: number): number | undefined {
  if (opensAt === undefined) return undefined;
  // Quiet hours run 22:00-06:00; outside them the code means something else changed, so no guess.
  if (opensAt === 6 && vietnamHour(nowMs) >= 6 && vietnamHour(nowMs) < 22) return undefined;
  return msUntilVietnamHour(nowMs, opensAt);
}

/**
 * The {@link DeliveryError} for a ZNS answer whose `error` is not 0, sorted by
 * {@link ZNS_ERROR_CODES}. Quiet hours and daily quotas carry `retryAfterMs` up to the time Zalo
 * opens again.
 *
 * @example
 * ```ts
 * throw znsDeliveryError('zns', -118, 'User is not existed', Date.now()); // RecipientUnreachableError
 * ```
 */
export function znsDeliveryError(
  adapter: string,
  code: number,
  zaloMessage: string,
  nowMs: number,
): DeliveryError {
  const row = ZNS_ERROR_CODES.get(code);
  const message = `ZNS error ${code}: ${zaloMessage || row?.meaning || 'unknown error'}`;
  const common = { adapter, message, status: 200, providerCode: code };
  switch (row?.kind) {
    case 'unreachable':
      return new RecipientUnreachableError({ ...common, reason: row.reason ?? 'no-account' });
    case 'unavailable': {
      const wait = waitFor(row.opensAtVietnamHour, nowMs);
      return new ProviderUnavailableError({
        ...common,
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      });
    }
    default:
      return new ProviderRejectedError(common);
  }
}
