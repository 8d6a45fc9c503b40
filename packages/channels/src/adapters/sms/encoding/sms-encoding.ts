import { gsmSeptets } from './gsm-alphabet';

/** How an SMS is encoded on the air: 7-bit GSM (160 characters) or UCS-2 (70 UTF-16 code units). */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** What {@link countSmsSegments} found. */
export interface SmsSegmentCount {
  encoding: SmsEncoding;
  /** Septets for GSM-7 (an extension character counts 2), UTF-16 code units for UCS-2. */
  units: number;
  /** Parts the message is sent as (each billed as one SMS); 0 for an empty text. */
  segments: number;
  /** Units one part holds here: 160 or 70 for a single part, 153 or 67 once it is split. */
  perSegment: number;
  /** Units still free in the last part before one more part is needed. */
  remainingInSegment: number;
}

/**
 * Part sizes. A message longer than one SMS carries a 6-byte user data header (UDH) in each part
 * so the phone can reassemble it: 7 septets of GSM-7 (160 → 153) or 3 UCS-2 units (70 → 67).
 */
const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const satisfies Record<SmsEncoding, { single: number; multi: number }>;

/**
 * GSM-7 when every character is in the GSM 03.38 alphabet or its extension table, else UCS-2.
 * One character outside GSM-7 (`ả`, `’`, an emoji) turns the whole message into UCS-2.
 *
 * @example
 * ```ts
 * detectSmsEncoding('Your code is 123456'); // 'GSM-7'
 * detectSmsEncoding('Mã của bạn là 123456'); // 'UCS-2'
 * ```
 */
export function detectSmsEncoding(text: string): SmsEncoding {
  for (const char of text) if (gsmSeptets(char) === undefined) return 'UCS-2';
  return 'GSM-7';
}

/** The cost of one code point in the message's encoding. */
const unitsOf = (char: string, encoding: SmsEncoding): number =>
  encoding === 'GSM-7' ? (gsmSeptets(char) as number) : char.length;

interface Layout {
  encoding: SmsEncoding;
  units: number;
  parts: string[];
  lastPartUnits: number;
}

/**
 * Lays the text out in parts. Walking code points (not UTF-16 units) is what keeps a surrogate
 * pair (an emoji: 2 units) and a GSM escape pair (`€`: 2 septets) whole: a character that does
 * not fit moves to the next part entirely, leaving its part a unit short.
 */
function layout(text: string): Layout {
  const encoding = detectSmsEncoding(text);
  const { single, multi } = LIMITS[encoding];
  let units = 0;
  for (const char of text) units += unitsOf(char, encoding);
  if (units === 0) return { encoding, units, parts: [], lastPartUnits: 0 };
  if (units <= single) return { encoding, units, parts: [text], lastPartUnits: units };
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const char of text) {
    const cost = unitsOf(char, encoding);
    if (used + cost > multi) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += char;
    used += cost;
  }
  parts.push(current);
  return { encoding, units, parts, lastPartUnits: used };
}

/**
 * Counts the SMS parts a text is sent as, the way handsets and carriers split it:
 *
 * | Encoding | One part | Each part of a longer message | Counted in |
 * | --- | --- | --- | --- |
 * | GSM-7 | 160 | 153 | septets (`€ ^ { } \ [ ] ~ \|` and form feed count 2) |
 * | UCS-2 | 70 | 67 | UTF-16 code units (an emoji counts 2) |
 *
 * A part never ends inside a surrogate pair or a GSM escape pair, so a long message can need one
 * part more than `units / 153` suggests.
 *
 * @example
 * ```ts
 * countSmsSegments('a'.repeat(161));
 * // { encoding: 'GSM-7', units: 161, segments: 2, perSegment: 153, remainingInSegment: 145 }
 * countSmsSegments('Xin chào bạn'); // 'ạ' is not in GSM-7 ('à' is)
 * // { encoding: 'UCS-2', units: 12, segments: 1, perSegment: 70, remainingInSegment: 58 }
 * ```
 */
export function countSmsSegments(text: string): SmsSegmentCount {
  const { encoding, units, parts, lastPartUnits } = layout(text);
  const limits = LIMITS[encoding];
  const perSegment = parts.length > 1 ? limits.multi : limits.single;
  return {
    encoding,
    units,
    segments: parts.length,
    perSegment,
    remainingInSegment: perSegment - lastPartUnits,
  };
}

/**
 * The parts a text is sent as (see {@link countSmsSegments} for the rules). Joined, they give the
 * text back; an empty text has no parts.
 *
 * @example
 * ```ts
 * const parts = splitSms('a'.repeat(152) + '€' + 'b'.repeat(10)); // 164 septets: two parts
 * parts.map((part) => part.length); // [152, 11]: the '€' (2 septets) did not fit in the first 153
 * ```
 */
export function splitSms(text: string): string[] {
  return layout(text).parts;
}
