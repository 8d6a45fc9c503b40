/**
 * The GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1), in the order of its 7-bit codes.
 * ESC (0x1B) is left out: it introduces an extension character and is never text by itself.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/**
 * The characters of the GSM 03.38 default alphabet, one septet each.
 *
 * @example
 * ```ts
 * GSM_BASIC_CHARACTERS.has('é'); // true
 * GSM_BASIC_CHARACTERS.has('ả'); // false
 * ```
 */
export const GSM_BASIC_CHARACTERS: ReadonlySet<string> = new Set(
  [...BASIC].filter((char) => char !== '\u001b'),
);

/**
 * The default extension table (3GPP TS 23.038 §6.2.1.1): form feed, `^ { } \ [ ] ~ |` and `€`.
 * Each is sent as ESC plus one septet, so it costs two septets and the pair is never split
 * between two parts of a long message.
 *
 * @example
 * ```ts
 * GSM_EXTENSION_CHARACTERS.has('€'); // true
 * ```
 */
export const GSM_EXTENSION_CHARACTERS: ReadonlySet<string> = new Set([
  '\f',
  '^',
  '{',
  '}',
  '\\',
  '[',
  ']',
  '~',
  '|',
  '€',
]);

/**
 * Septets a character takes in GSM-7: 1 for the default alphabet, 2 for the extension table,
 * `undefined` when GSM-7 cannot carry it (the message must then be sent as UCS-2).
 *
 * @param char One code point (a `for…of` step over a string).
 * @example
 * ```ts
 * gsmSeptets('a'); // 1
 * gsmSeptets('€'); // 2
 * gsmSeptets('ơ'); // undefined
 * ```
 */
export function gsmSeptets(char: string): 1 | 2 | undefined {
  if (GSM_BASIC_CHARACTERS.has(char)) return 1;
  if (GSM_EXTENSION_CHARACTERS.has(char)) return 2;
  return undefined;
}
