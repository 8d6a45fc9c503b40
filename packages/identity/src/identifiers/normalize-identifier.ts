import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { IdentifierTypeConfig } from '../config/identity-config';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_VALUE_LENGTH = 1024;

/**
 * Normalises a raw identifier value, or returns `null` when it cannot be one (wrong type, empty,
 * malformed email, impossible phone number). Numbers are accepted because sources often send
 * phone numbers and numeric user ids as JSON numbers.
 *
 * @example
 * ```ts
 * normalizeIdentifierValue(' An@Example.COM ', { type: 'email', source: 'trait', normalize: 'email' }); // 'an@example.com'
 * normalizeIdentifierValue('0912 345 678', { type: 'phone', source: 'trait', normalize: 'phone' }, 'VN'); // '+84912345678'
 * ```
 */
export function normalizeIdentifierValue(
  raw: unknown,
  type: IdentifierTypeConfig,
  phoneRegion?: string,
): string | null {
  let value: string;
  if (typeof raw === 'string') value = raw.trim();
  else if (typeof raw === 'number' && Number.isFinite(raw)) value = String(raw);
  else return null;
  if (value.length === 0 || value.length > MAX_VALUE_LENGTH) return null;
  switch (type.normalize) {
    case 'lowercase':
      return value.toLowerCase();
    case 'email': {
      const email = value.toLowerCase();
      return EMAIL.test(email) ? email : null;
    }
    case 'phone': {
      // Without a default region only international numbers ("+84 …") can be read; refusing
      // the rest here skips the exception libphonenumber throws and catches for each of them.
      if (phoneRegion === undefined && !value.includes('+')) return null;
      return normalizePhone(value, phoneRegion);
    }
    default:
      return value;
  }
}

/** Phone numbers read so far, by region and raw text: the same people's numbers come back batch after batch. */
const phones = new Map<string, string | null>();
const MAX_CACHED_PHONES = 100_000;

/** A phone number in E.164, or `null` when it is not a valid number; cached (libphonenumber's parse is costly). */
function normalizePhone(value: string, region: string | undefined): string | null {
  const key = `${region ?? ''}|${value}`;
  let number = phones.get(key);
  if (number === undefined) {
    const phone = parsePhoneNumberFromString(value, region as CountryCode | undefined);
    number = phone?.isValid() ? phone.number : null;
    if (phones.size >= MAX_CACHED_PHONES) phones.clear();
    phones.set(key, number);
  }
  return number;
}
