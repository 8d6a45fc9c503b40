import { describe, expect, it } from 'vitest';
import { compareKeys, seededRandom } from '../src';

describe('compareKeys', () => {
  it('orders like the UTF-8 bytes a SQL database compares, surrogate pairs and U+E000+ included', () => {
    const random = seededRandom(11);
    const alphabet = ['a', 'b', 'z', '~', 'é', '\u00ff', '中', '\ue000', '\uffff', '😀', '𝄞', ''];
    const word = () =>
      Array.from(
        { length: Math.floor(random() * 5) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    for (let i = 0; i < 20_000; i++) {
      const a = word();
      const b = word();
      const bytes = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      expect(Math.sign(compareKeys(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(bytes);
    }
  });
});
