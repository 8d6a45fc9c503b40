import { describe, expect, it } from 'vitest';
import { positionalSqlite } from '../src';

describe('positionalSqlite', () => {
  it('binds each numbered placeholder in the order it appears, repeats included', () => {
    expect(
      positionalSqlite('a = ?2 AND b = ?1 AND c = ?2 AND d = ?10', ['x', 'y', 3, 4, 5, 6, 7, 8, 9, 'ten']),
    ).toEqual({
      text: 'a = ? AND b = ? AND c = ? AND d = ?',
      params: ['y', 'x', 'y', 'ten'],
    });
  });
});
