import {
  type DeliveryError,
  ProviderRejectedError,
  RecipientUnreachableError,
  type UnreachableReason,
} from '../../../errors/delivery-errors';
import { expectOk } from '../../shared/provider-fetch';

/**
 * Twilio error codes that say this number cannot be reached by SMS from this sender. Any other
 * 4xx is a {@link ProviderRejectedError} carrying Twilio's code.
 */
const UNREACHABLE_CODES: ReadonlyMap<number, UnreachableReason> = new Map([
  // 21211 Invalid 'To' phone number: not a number at all for Twilio.
  [21211, 'invalid-address'],
  // 21614 'To' number is not a valid mobile number: a landline or a number that takes no SMS.
  [21614, 'invalid-address'],
  // 21610 the recipient replied STOP to this sender. Like an expired push subscription, the
  // address is gone for this sender until the person replies START, so it is
  // 'subscription-expired': not retried, and the fallback channel may still reach them.
  [21610, 'subscription-expired'],
]);

/** Twilio's error body: `{ code, message, status, more_info }`. */
interface TwilioErrorBody {
  code?: unknown;
  message?: unknown;
}

/**
 * Throws the {@link DeliveryError} for a Twilio response that is not 2xx. Outages (5xx, 429, 408)
 * go through `expectOk`, which also reads `Retry-After`.
 *
 * @example
 * ```ts
 * if (!response.ok) await throwTwilioError('twilio', response);
 * ```
 */
export async function throwTwilioError(adapter: string, response: Response): Promise<never> {
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    await expectOk(adapter, response);
  }
  const text = await response.text().catch(() => '');
  let body: TwilioErrorBody = {};
  try {
    body = JSON.parse(text) as TwilioErrorBody;
  } catch {
    // Not Twilio's JSON (a proxy's page): the status alone decides.
  }
  const code = typeof body.code === 'number' ? body.code : undefined;
  const words = typeof body.message === 'string' ? body.message : text.slice(0, 300);
  const message = `${response.status}${code === undefined ? '' : ` (${code})`}: ${words}`;
  const reason = code === undefined ? undefined : UNREACHABLE_CODES.get(code);
  if (reason) {
    throw new RecipientUnreachableError({
      adapter,
      message,
      status: response.status,
      providerCode: code,
      reason,
    });
  }
  throw new ProviderRejectedError({
    adapter,
    message,
    status: response.status,
    ...(code === undefined ? {} : { providerCode: code }),
  });
}
