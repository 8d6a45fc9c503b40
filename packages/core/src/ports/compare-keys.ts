/**
 * Orders strings by Unicode code point, the order SQL databases give byte-wise (UTF-8) keys.
 * JavaScript's default sort compares UTF-16 code units, which differs for characters above
 * U+E000 next to emoji; every adapter lists keys in this order instead.
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
