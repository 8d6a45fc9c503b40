import { AdapterError, ConflictError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { allOrEach } from '../src/graph/all-or-each';

describe('allOrEach', () => {
  const double = (seen: number[][]) => ({
    max: 2,
    all: async (part: number[]) => {
      seen.push(part);
      if (part.includes(3)) throw new ConflictError('3 conflicts');
      return part.map((n) => n * 2);
    },
    each: async (n: number) => {
      if (n === 3) throw new ConflictError('3 conflicts');
      return n * 2;
    },
    refusals: ['CONFLICT'] as const,
  });

  it('runs slices of max through all, and a refused slice input by input', async () => {
    const seen: number[][] = [];
    const outcomes = await allOrEach([1, 2, 3, 4, 5], double(seen));
    expect(seen).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      2,
      4,
      '3 conflicts',
      8,
      10,
    ]);
  });

  it('fails every input when all fails for another reason', async () => {
    const how = {
      ...double([]),
      all: async () => Promise.reject(new AdapterError({ adapter: 'x', op: 'y' })),
    };
    await expect(allOrEach([1, 2], how)).rejects.toMatchObject({ code: 'ADAPTER' });
  });
});
