/** A small seeded PRNG (mulberry32), so every randomised test is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

const alphabets = [
  'abcdefghijklmnopqrstuvwxyz0123456789-_',
  'ABCDEFXYZ@.+',
  'àáảãạăắằẳẵặâấầẩẫậđêếềểễệôốồổỗộơớờởỡợưứừửữự',
  '中文日本語한국어',
  'Ωπσ∑√∞',
];
const emoji = ['😀', '🚀', '👩‍💻', '🇻🇳', '🧪', '❤️', '𝔘'];

/** A random user id: ASCII, Vietnamese, CJK, Greek, emoji (surrogate pairs and ZWJ sequences). */
export function randomId(random: () => number): string {
  const kind = random();
  if (kind < 0.1) return String(Math.floor(random() * 1e9));
  const length = 1 + Math.floor(random() * 24);
  let out = '';
  for (let i = 0; i < length; i++) {
    if (random() < 0.12) out += pick(random, emoji);
    else {
      const alphabet = pick(random, kind < 0.5 ? alphabets.slice(0, 1) : alphabets);
      out += alphabet[Math.floor(random() * alphabet.length)];
    }
  }
  return out;
}
