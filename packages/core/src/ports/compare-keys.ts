/**
 * Orders strings by Unicode code point, the order SQL databases give byte-wise (UTF-8) keys.
 * JavaScript's default comparison uses UTF-16 code units, which differs for characters above
 * U+E000 next to emoji; every adapter lists keys in this order instead. No allocation: it runs
 * on hot paths (heap and sort tie-breaks).
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/**
 * A code unit's place in code point order: surrogates (U+D800–U+DFFF) stand for code points above
 * U+FFFF, so they move above U+E000–U+FFFF; each group keeps its own order.
 */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
