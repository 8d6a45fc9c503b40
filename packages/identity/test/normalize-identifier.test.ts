import { describe, expect, it } from 'vitest';
import { normalizeIdentifierValue } from '../src/identifiers/normalize-identifier';

const phone = { type: 'phone', source: 'trait', normalize: 'phone' } as const;
const email = { type: 'email', source: 'trait', normalize: 'email' } as const;

describe('normalizeIdentifierValue', () => {
  it('reads phone numbers to E.164, national ones only with a default region', () => {
    expect(normalizeIdentifierValue('0912 345 678', phone, 'VN')).toBe('+84912345678');
    expect(normalizeIdentifierValue(912345678, phone, 'VN')).toBe('+84912345678');
    expect(normalizeIdentifierValue('+84 91 234 5678', phone)).toBe('+84912345678');
    expect(normalizeIdentifierValue('(+84) 912345678', phone)).toBe('+84912345678');
    expect(normalizeIdentifierValue('0912 345 678', phone)).toBeNull();
    expect(normalizeIdentifierValue('0084912345678', phone)).toBeNull();
    expect(normalizeIdentifierValue('+84 12', phone)).toBeNull();
    expect(normalizeIdentifierValue('an@example.com', phone, 'VN')).toBeNull();
  });

  it('trims and lower-cases emails and refuses malformed ones', () => {
    expect(normalizeIdentifierValue(' An@Example.COM ', email)).toBe('an@example.com');
    expect(normalizeIdentifierValue('not an email', email)).toBeNull();
    expect(normalizeIdentifierValue('', email)).toBeNull();
    expect(normalizeIdentifierValue({}, email)).toBeNull();
  });
});
