import { isCxError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { estimateSmsCost, normalizePhone, stripVietnameseDiacritics } from '../../src/adapters/sms';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return isCxError(error) ? error.code : 'not a cx error';
  }
  return 'no error';
};

describe('stripVietnameseDiacritics', () => {
  it('removes every vowel mark and tone, in lower and upper case, and turns đ Đ into d D', () => {
    const lower = 'aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ';
    expect(stripVietnameseDiacritics(lower)).toBe(
      `${'a'.repeat(18)}${'e'.repeat(12)}${'i'.repeat(6)}${'o'.repeat(18)}${'u'.repeat(12)}${'y'.repeat(6)}d`,
    );
    expect(stripVietnameseDiacritics(lower.toUpperCase())).toBe(
      `${'A'.repeat(18)}${'E'.repeat(12)}${'I'.repeat(6)}${'O'.repeat(18)}${'U'.repeat(12)}${'Y'.repeat(6)}D`,
    );
  });

  it('keeps sentences readable and leaves other letters alone', () => {
    expect(stripVietnameseDiacritics('Đơn hàng của bạn đã được giao')).toBe('Don hang cua ban da duoc giao');
    expect(stripVietnameseDiacritics('Mañana, Müller, Ç, 123 €')).toBe('Mañana, Müller, Ç, 123 €');
  });

  it('reads decomposed input too', () => {
    expect(stripVietnameseDiacritics('Vie\u0302\u0323t Nam')).toBe('Viet Nam');
  });
});

describe('normalizePhone', () => {
  it('reads the Vietnamese ways of writing a number', () => {
    for (const written of [
      '0912 345 678',
      '0912-345-678',
      '0912.345.678',
      '84912345678',
      '+84 912-345-678',
      '+84 (0) 912 345 678',
      '0084912345678',
      '912345678',
      ' +84912345678 ',
    ]) {
      expect(normalizePhone(written), written).toBe('+84912345678');
    }
    expect(normalizePhone('024 3825 1234')).toBe('+842438251234'); // a Hanoi landline
    expect(normalizePhone('0841234567')).toBe('+84841234567'); // 084… is a mobile prefix, not the country code
  });

  it('reads other countries with another default, and international numbers with any', () => {
    expect(normalizePhone('(415) 555-2671', { defaultCountryCode: '1' })).toBe('+14155552671');
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
  });

  it('throws ValidationError for anything that is not a plausible number', () => {
    for (const bad of [
      '',
      'abc',
      '0912 345 67x',
      '12345',
      '+84 12 345',
      '0112345678',
      '+0123456789',
      '++84912345678',
      '8491234567890123',
    ]) {
      expect(
        codeOf(() => normalizePhone(bad)),
        bad,
      ).toBe('VALIDATION');
    }
    expect(codeOf(() => normalizePhone(912345678 as unknown as string))).toBe('VALIDATION');
  });

  it('refuses a malformed default country code with ConfigError', () => {
    expect(codeOf(() => normalizePhone('0912345678', { defaultCountryCode: '+84' }))).toBe('CONFIG');
  });
});

describe('estimateSmsCost', () => {
  it('bills per part', () => {
    expect(estimateSmsCost('a'.repeat(161), { pricePerSegment: 0.0079, currency: 'USD' })).toEqual({
      encoding: 'GSM-7',
      segments: 2,
      amount: 0.0158,
      currency: 'USD',
    });
  });

  it('shows what stripping diacritics saves', () => {
    const text = 'Cảm ơn quý khách đã mua hàng tại cửa hàng của chúng tôi. Mã giảm giá: ABC123';
    expect(estimateSmsCost(text, { pricePerSegment: 850, currency: 'VND' })).toMatchObject({
      encoding: 'UCS-2',
      segments: 2,
      amount: 1700,
    });
    expect(
      estimateSmsCost(text, { pricePerSegment: 850, currency: 'VND', stripDiacritics: true }),
    ).toMatchObject({
      encoding: 'GSM-7',
      segments: 1,
      amount: 850,
    });
  });

  it('rounds away floating-point noise', () => {
    expect(estimateSmsCost('a'.repeat(400), { pricePerSegment: 0.1, currency: 'USD' }).amount).toBe(0.3);
  });

  it('refuses a negative price or a currency that is not ISO 4217 with ConfigError', () => {
    expect(codeOf(() => estimateSmsCost('hi', { pricePerSegment: -1, currency: 'USD' }))).toBe('CONFIG');
    expect(codeOf(() => estimateSmsCost('hi', { pricePerSegment: 1, currency: 'dollars' }))).toBe('CONFIG');
  });
});
