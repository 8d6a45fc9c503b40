import { describe, expect, it } from 'vitest';
import { isoTime, seededRandom } from '../src';

describe('isoTime', () => {
  it('equals Date#toISOString for times across days, edges of days and years, and far away', () => {
    const random = seededRandom(7);
    const samples = [
      0,
      -1,
      86_399_999,
      86_400_000,
      Date.parse('2026-12-31T23:59:59.999Z'),
      Date.parse('2027-01-01T00:00:00.000Z'),
      Date.parse('2024-02-29T12:34:56.789Z'),
      Date.parse('-000001-01-01T00:00:00Z'),
      Date.parse('+010000-01-01T00:00:00Z'),
      8.64e15,
    ];
    for (let i = 0; i < 20_000; i++) samples.push(Math.floor((random() - 0.3) * 4e12));
    for (const ms of samples) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});
