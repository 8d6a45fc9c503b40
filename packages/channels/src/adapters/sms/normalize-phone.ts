import { ValidationError } from '@cx/core';
import { z } from 'zod';
import { parseAdapterOptions } from '../shared/parse-adapter-options';

/** Options of {@link normalizePhone}. */
export interface NormalizePhoneOptions {
  /** Country calling code for numbers written without one (`0912 345 678`); default `'84'` (Vietnam). */
  defaultCountryCode?: string;
}

const optionsSchema = z.object({
  defaultCountryCode: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'must be a country calling code such as 84, without +')
    .optional(),
});

/** Separators people write numbers with; anything else that is not a digit is refused. */
const SEPARATORS = /[\s\-.()]/g;
const E164 = /^\+[1-9]\d{6,14}$/;
/**
 * Vietnamese national numbers: mobiles are 9 digits starting 3, 5, 7, 8 or 9 (since the 2018
 * renumbering), landlines 10 digits starting 2.
 */
const VIETNAM_NATIONAL = /^(?:[35789]\d{8}|2\d{9})$/;

function invalid(reason: string): never {
  throw new ValidationError(`Invalid phone number: ${reason}`, [
    { path: 'phone', message: reason, code: 'invalid_phone' },
  ]);
}

/** The national part is plausible for the country (checked in detail for Vietnam only). */
function plausibleNational(countryCode: string, national: string): boolean {
  if (countryCode === '84') return VIETNAM_NATIONAL.test(national);
  return national.length >= 4 && E164.test(`+${countryCode}${national}`);
}

/** Splits `+<country><national>` for the country codes this function knows the shape of. */
function splitKnownCountry(digits: string): { countryCode: string; national: string } | undefined {
  if (digits.startsWith('84')) return { countryCode: '84', national: digits.slice(2) };
  return undefined;
}

/**
 * Turns a phone number as people write it into E.164 (`+84912345678`), the form every cx channel
 * stores and sends. Reads international numbers (`+84 912-345-678`, `0084912345678`), numbers
 * with the country code but no `+` (`84912345678`), national numbers with the trunk `0`
 * (`0912 345 678`) and without it (`912345678`, as spreadsheets that drop leading zeros write
 * them). Vietnamese numbers are checked against the national numbering plan; others only against
 * E.164 length.
 *
 * @throws `ValidationError` (path `phone`) for anything that is not a plausible number. The
 *   message does not repeat the number, so logs do not collect phone numbers.
 * @example
 * ```ts
 * normalizePhone('0912 345 678'); // '+84912345678'
 * normalizePhone('84912345678'); // '+84912345678'
 * normalizePhone('+84 912-345-678'); // '+84912345678'
 * normalizePhone('(415) 555-2671', { defaultCountryCode: '1' }); // '+14155552671'
 * ```
 */
export function normalizePhone(input: string, options: NormalizePhoneOptions = {}): string {
  const { defaultCountryCode = '84' } = parseAdapterOptions(optionsSchema, options, 'normalizePhone');
  if (typeof input !== 'string') invalid('expected a string');
  const compact = input.trim().replace(SEPARATORS, '');
  if (compact.length === 0) invalid('empty');
  if (!/^\+?\d+$/.test(compact))
    invalid('only digits, spaces, dashes, dots, brackets and a leading + may appear');

  let international: string;
  if (compact.startsWith('+')) international = compact.slice(1);
  else if (compact.startsWith('00')) international = compact.slice(2);
  else if (compact.startsWith('0')) international = defaultCountryCode + compact.slice(1);
  else if (
    compact.startsWith(defaultCountryCode) &&
    plausibleNational(defaultCountryCode, compact.slice(defaultCountryCode.length))
  ) {
    international = compact;
  } else international = defaultCountryCode + compact;

  const known = splitKnownCountry(international);
  if (known) {
    // '+84 (0) 912 …': the trunk 0 written after the country code is not part of the number.
    const national = known.national.startsWith('0') ? known.national.slice(1) : known.national;
    if (!plausibleNational(known.countryCode, national))
      invalid(`not a Vietnamese mobile or landline number`);
    return `+${known.countryCode}${national}`;
  }
  const e164 = `+${international}`;
  if (!E164.test(e164)) invalid('an E.164 number has 7 to 15 digits and does not start with 0');
  return e164;
}
