import { seededRandom } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  countSmsSegments,
  detectSmsEncoding,
  GSM_BASIC_CHARACTERS,
  GSM_EXTENSION_CHARACTERS,
  splitSms,
  stripVietnameseDiacritics,
} from '../../src/adapters/sms';
import { gsmSeptets } from '../../src/adapters/sms/encoding/gsm-alphabet';

const gsm = (n: number) => 'a'.repeat(n);
/** 'ư' is outside GSM-7 and takes one UTF-16 unit. */
const ucs = (n: number) => 'ư'.repeat(n);
const EMOJI = '😀';

/** Units a part takes, counted the way the encoding counts them. */
function unitsOf(part: string, encoding: 'GSM-7' | 'UCS-2'): number {
  if (encoding === 'UCS-2') return part.length;
  let septets = 0;
  for (const char of part) septets += gsmSeptets(char) as number;
  return septets;
}

describe('GSM-7 alphabet', () => {
  it('has the 127 characters of the default table (ESC aside) and 10 extension characters', () => {
    expect(GSM_BASIC_CHARACTERS.size).toBe(127);
    expect(GSM_EXTENSION_CHARACTERS.size).toBe(10);
    for (const char of '^{}\\[]~|€\f') expect(gsmSeptets(char)).toBe(2);
    for (const char of '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r') expect(gsmSeptets(char)).toBe(1);
    expect(gsmSeptets('\u001b')).toBeUndefined();
    expect(gsmSeptets('ç')).toBeUndefined(); // only the capital Ç is in the table
  });
});

describe('detectSmsEncoding', () => {
  it('is GSM-7 for GSM text, extension characters included', () => {
    expect(detectSmsEncoding('Hello {world} €5 ^_^ [ok] ~|\\')).toBe('GSM-7');
  });

  it('is UCS-2 as soon as one character is outside GSM-7', () => {
    expect(detectSmsEncoding('don’t')).toBe('UCS-2');
    expect(detectSmsEncoding(`hi ${EMOJI}`)).toBe('UCS-2');
  });

  it('detects Vietnamese as UCS-2, and as GSM-7 once the diacritics are stripped', () => {
    const vietnamese = 'Đơn hàng #42 của bạn đã được giao. Cảm ơn quý khách!';
    expect(detectSmsEncoding(vietnamese)).toBe('UCS-2');
    expect(detectSmsEncoding(stripVietnameseDiacritics(vietnamese))).toBe('GSM-7');
    expect(countSmsSegments(stripVietnameseDiacritics(vietnamese))).toMatchObject({
      encoding: 'GSM-7',
      segments: 1,
    });
  });
});

describe('countSmsSegments: GSM-7', () => {
  it('fits 160 septets in one part, 161 needs two of 153', () => {
    expect(countSmsSegments(gsm(160))).toEqual({
      encoding: 'GSM-7',
      units: 160,
      segments: 1,
      perSegment: 160,
      remainingInSegment: 0,
    });
    expect(countSmsSegments(gsm(161))).toEqual({
      encoding: 'GSM-7',
      units: 161,
      segments: 2,
      perSegment: 153,
      remainingInSegment: 145,
    });
  });

  it('fits 153 × 2 = 306 septets in two parts, 307 needs three', () => {
    expect(countSmsSegments(gsm(306))).toMatchObject({ segments: 2, remainingInSegment: 0 });
    expect(countSmsSegments(gsm(307))).toMatchObject({ segments: 3, remainingInSegment: 152 });
  });

  it('counts an extension character as 2 septets', () => {
    expect(countSmsSegments('€'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(countSmsSegments(`${'€'.repeat(80)}a`)).toMatchObject({ units: 161, segments: 2 });
    expect(countSmsSegments(`${gsm(159)}€`)).toMatchObject({ units: 161, segments: 2 });
  });

  it('never splits an escape pair: € at a part boundary moves to the next part whole', () => {
    // 152 + 2 + 152 = 306 septets: two parts by arithmetic, but '€' would straddle 153/154.
    const text = `${gsm(152)}€${gsm(152)}`;
    expect(countSmsSegments(text)).toMatchObject({ units: 306, segments: 3 });
    const parts = splitSms(text);
    expect(parts.map((part) => unitsOf(part, 'GSM-7'))).toEqual([152, 153, 1]);
    expect(parts[1]?.startsWith('€')).toBe(true);
    // One septet earlier it fits exactly at the end of the first part.
    expect(splitSms(`${gsm(151)}€${gsm(153)}`).map((part) => unitsOf(part, 'GSM-7'))).toEqual([153, 153]);
  });
});

describe('countSmsSegments: UCS-2', () => {
  it('fits 70 units in one part, 71 needs two of 67', () => {
    expect(countSmsSegments(ucs(70))).toEqual({
      encoding: 'UCS-2',
      units: 70,
      segments: 1,
      perSegment: 70,
      remainingInSegment: 0,
    });
    expect(countSmsSegments(ucs(71))).toEqual({
      encoding: 'UCS-2',
      units: 71,
      segments: 2,
      perSegment: 67,
      remainingInSegment: 63,
    });
  });

  it('fits 67 × 2 = 134 units in two parts, 135 needs three', () => {
    expect(countSmsSegments(ucs(134))).toMatchObject({ segments: 2, remainingInSegment: 0 });
    expect(countSmsSegments(ucs(135))).toMatchObject({ segments: 3, remainingInSegment: 66 });
  });

  it('counts an emoji as 2 UTF-16 units', () => {
    expect(countSmsSegments(EMOJI.repeat(35))).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSmsSegments(`${EMOJI.repeat(35)}a`)).toMatchObject({ units: 71, segments: 2 });
  });

  it('never splits a surrogate pair: an emoji at a part boundary moves to the next part whole', () => {
    // 66 + 2 + 66 = 134 units: two parts by arithmetic, but the emoji would straddle 67/68.
    const text = `${ucs(66)}${EMOJI}${ucs(66)}`;
    expect(countSmsSegments(text)).toMatchObject({ units: 134, segments: 3 });
    const parts = splitSms(text);
    expect(parts.map((part) => part.length)).toEqual([66, 67, 1]);
    expect(parts[1]?.startsWith(EMOJI)).toBe(true);
    for (const part of parts) expect(part).toBe(part.toWellFormed());
  });
});

describe('splitSms', () => {
  it('has no part for an empty text and one part for a short one', () => {
    expect(splitSms('')).toEqual([]);
    expect(countSmsSegments('')).toMatchObject({ segments: 0, units: 0, remainingInSegment: 160 });
    expect(splitSms('hi')).toEqual(['hi']);
  });

  it('joined parts give the text back and no part exceeds its limit (seeded random strings)', () => {
    const random = seededRandom(20_260_101);
    const alphabets = [
      'abcdefghijklmnopqrstuvwxyz ',
      'abc€[]{}~^|\\ ',
      'aăâđêôơư ',
      `ab${EMOJI}c🇻🇳 `,
      'aé€ư😀\n',
    ];
    for (let run = 0; run < 400; run++) {
      const alphabet = [...(alphabets[Math.floor(random() * alphabets.length)] as string)];
      const length = Math.floor(random() * 420);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const parts = splitSms(text);
      const count = countSmsSegments(text);
      expect(parts.join('')).toBe(text);
      expect(parts.length).toBe(count.segments);
      const limit =
        parts.length > 1 ? (count.encoding === 'GSM-7' ? 153 : 67) : count.encoding === 'GSM-7' ? 160 : 70;
      for (const part of parts) {
        expect(unitsOf(part, count.encoding)).toBeLessThanOrEqual(limit);
        expect(part.length).toBeGreaterThan(0);
        expect(part).toBe(part.toWellFormed());
      }
      const lastUnits = parts.length === 0 ? 0 : unitsOf(parts.at(-1) as string, count.encoding);
      expect(count.remainingInSegment).toBe(count.perSegment - lastUnits);
    }
  });
});
