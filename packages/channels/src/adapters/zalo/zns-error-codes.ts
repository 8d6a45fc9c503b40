import type { UnreachableReason } from '../../errors/delivery-errors';

/**
 * What cx does with a ZNS error code:
 * - `unreachable`: this person cannot get ZNS; the message's fallback channel (SMS) takes over;
 * - `unavailable`: Zalo cannot take it now, waiting helps (retried, with `retryAfterMs` when the
 *   wait is known);
 * - `rejected`: the request or the account setup is wrong; sending again cannot help;
 * - `token`: the access token is invalid or expired; refreshed once when a hook is given.
 */
export type ZnsErrorKind = 'unreachable' | 'unavailable' | 'rejected' | 'token';

/** One row of {@link ZNS_ERROR_CODES}. */
export interface ZnsErrorCode {
  kind: ZnsErrorKind;
  /** For `unreachable`. */
  reason?: UnreachableReason;
  /** For `unavailable`: the Vietnam-time hour sending opens again (6 after quiet hours, 0 for a new daily quota). */
  opensAtVietnamHour?: number;
  /** Zalo's meaning, in English. */
  meaning: string;
}

/**
 * The ZNS error codes cx sorts, from Zalo's table ("Cách xử lý mã lỗi", zalo.cloud/zns). Zalo
 * answers HTTP 200 with `{ error, message }`; a code not listed here is a `ProviderRejectedError`
 * carrying the code, because an unknown refusal is safer not retried.
 *
 * @example
 * ```ts
 * ZNS_ERROR_CODES.get(-118); // { kind: 'unreachable', reason: 'no-account', meaning: '…' }
 * ```
 */
export const ZNS_ERROR_CODES: ReadonlyMap<number, ZnsErrorCode> = new Map<number, ZnsErrorCode>([
  // Zalo's API-wide limit on requests per app: the next minute takes them again.
  [-32, { kind: 'unavailable', meaning: 'request rate limit of the app exceeded' }],
  // Zalo's own words: "an unknown error occurred, please try again later".
  [-100, { kind: 'unavailable', meaning: 'unknown error, try again later' }],
  // -101 to -107: the Zalo app sending ZNS is set up wrongly; an operator has to fix it.
  [-101, { kind: 'rejected', meaning: 'the sending app is invalid' }],
  [-102, { kind: 'rejected', meaning: 'the sending app does not exist' }],
  [-103, { kind: 'rejected', meaning: 'the sending app is not activated' }],
  [-104, { kind: 'rejected', meaning: 'the app secret key is invalid' }],
  [-105, { kind: 'rejected', meaning: 'the sending app is not linked to an Official Account' }],
  [-106, { kind: 'rejected', meaning: 'method not supported' }],
  [-107, { kind: 'rejected', meaning: 'invalid message id' }],
  // The number is not a phone number Zalo accepts: SMS, with its own checks, may still try it.
  [-108, { kind: 'unreachable', reason: 'invalid-address', meaning: 'invalid phone number' }],
  [-109, { kind: 'rejected', meaning: 'invalid template id' }],
  // The person's Zalo app is too old to show ZNS: nothing cx can change, so SMS takes over.
  [
    -110,
    {
      kind: 'unreachable',
      reason: 'no-account',
      meaning: "the recipient's Zalo version does not support ZNS",
    },
  ],
  [-111, { kind: 'rejected', meaning: 'template data is empty' }],
  [-112, { kind: 'rejected', meaning: 'template data is invalid' }],
  // Account state, the person's ZNS settings, an old app or an internal error on Zalo's side:
  // this person cannot get ZNS now, so the fallback channel takes over.
  [-114, { kind: 'unreachable', reason: 'no-account', meaning: 'the recipient cannot receive ZNS now' }],
  // No balance left: waiting alone does not help, someone has to top the account up.
  [-115, { kind: 'rejected', meaning: 'ZNS account balance exhausted' }],
  [-116, { kind: 'rejected', meaning: 'invalid content' }],
  [-117, { kind: 'rejected', meaning: 'the OA or app may not use this template' }],
  // The two codes that mean "no Zalo here": this is what makes the dispatcher fall back to SMS.
  [
    -118,
    {
      kind: 'unreachable',
      reason: 'no-account',
      meaning: 'no Zalo account for this number, or it is disabled',
    },
  ],
  [-119, { kind: 'unreachable', reason: 'no-account', meaning: 'the Zalo account cannot receive ZNS' }],
  // Handled by the token-refresh hook before it ever becomes an error.
  [-124, { kind: 'token', meaning: 'access token invalid or expired' }],
  [-131, { kind: 'rejected', meaning: 'template not approved' }],
  // Some templates may not be sent from 22:00 to 06:00 Vietnam time: wait for the morning.
  [
    -133,
    { kind: 'unavailable', opensAtVietnamHour: 6, meaning: 'template not allowed at night (22:00-06:00)' },
  ],
  // Daily quotas reset at midnight Vietnam time.
  [-144, { kind: 'unavailable', opensAtVietnamHour: 0, meaning: 'daily ZNS quota of the OA exceeded' }],
  [-147, { kind: 'unavailable', opensAtVietnamHour: 0, meaning: 'daily quota of the template exceeded' }],
]);
