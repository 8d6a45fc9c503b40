import { describe, expect, it } from 'vitest';
import { jsonByteLengthUpperBound, measureJson } from '../src';

const exact = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

describe('jsonByteLengthUpperBound', () => {
  const samples: unknown[] = [
    {},
    [],
    '',
    '"\\\n\u0001',
    'Tiếng Việt 🎉🎉',
    { a: [1, -2.5e-300, true, null, { b: 'c' }], date: new Date(0), skip: undefined },
    { '\u0000key': '\u001f'.repeat(100) },
    [1.7976931348623157e308, Number.MIN_VALUE, -0],
  ];

  it('is never below the exact UTF-8 size', () => {
    for (const sample of samples)
      expect(jsonByteLengthUpperBound(sample)).toBeGreaterThanOrEqual(exact(sample));
  });

  it('measures exactly when the bound exceeds the limit', () => {
    const value = { text: 'x'.repeat(1000) };
    expect(measureJson(value, 100)).toEqual({ withinLimit: false, bytes: exact(value) });
    expect(measureJson(value, 1015)).toEqual({ withinLimit: true, bytes: 1011 });
    expect(measureJson(value, 100_000)).toEqual({ withinLimit: true });
  });

  it('defers to JSON.stringify for objects with toJSON and for BigInt', () => {
    expect(jsonByteLengthUpperBound({ toJSON: () => 'x' })).toBe(Number.POSITIVE_INFINITY);
    expect(() => measureJson({ n: 1n }, 10)).toThrow(TypeError);
  });
});
