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
      const phone = parsePhoneNumberFromString(value, phoneRegion as CountryCode | undefined);
      return phone?.isValid() ? phone.number : null;
    }
    default:
      return value;
  }
}
