import { countSmsSegments, type SmsEncoding } from './sms-encoding';
import { stripVietnameseDiacritics } from './vietnamese-diacritics';

/** An SMS body as an adapter sends it, with what the provider will bill for it. */
export interface PreparedSmsText {
  body: string;
  encoding: SmsEncoding;
  segments: number;
}

/**
 * The body an SMS adapter sends: the text, without Vietnamese diacritics when the adapter was
 * made with `stripDiacritics: true`, and its encoding and part count for `SendResult.details`.
 *
 * @example
 * ```ts
 * prepareSmsText('Mã OTP: 123456', true); // { body: 'Ma OTP: 123456', encoding: 'GSM-7', segments: 1 }
 * ```
 */
export function prepareSmsText(text: string, stripDiacritics: boolean): PreparedSmsText {
  const body = stripDiacritics ? stripVietnameseDiacritics(text) : text;
  const { encoding, segments } = countSmsSegments(body);
  return { body, encoding, segments };
}
