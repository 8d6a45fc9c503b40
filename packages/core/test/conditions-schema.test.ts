import { isCxError, type ValidationError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { conditionSchema, evalCondition, findConditionIssues, parseCondition } from '../src/conditions';

function codesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    return (error as ValidationError).issues.map((issue) => `${issue.path}:${issue.code}`);
  }
  throw new Error('expected a ValidationError');
}

describe('parseCondition (strict)', () => {
  it('accepts every operator with well-typed operands', () => {
    const condition = {
      a: { $eq: 1, $ne: 2, $lt: 3, $lte: 4, $gt: 0, $gte: 0 },
      b: { $in: [1], $nin: [2], $ini: ['x'], $nini: ['y'], $all: [1], $alli: ['z'] },
      c: { $elemMatch: { $gt: 1 } },
      d: { $elemMatch: { name: 'x' } },
      e: { $size: { $gt: 1 }, $exists: true, $type: 'array' },
      f: { $not: { $regex: '^a' }, $regexi: 'b' },
      g: { $inGroup: 'beta' },
      h: { $notInGroup: 'beta' },
      v: { $veq: '1.0.0', $vne: '1', $vgt: '0.1', $vgte: 1, $vlt: '9', $vlte: '9.9.9' },
      $and: [{ x: 1 }],
      $or: [{ y: 2 }],
      $nor: [{ z: 3 }],
      $not: { w: 4 },
      $savedGroup: { id: 'g1' },
    };
    expect(parseCondition(condition)).toBe(condition);
    expect(findConditionIssues(condition)).toEqual([]);
  });

  it('rejects an unknown value operator with a typed error at its path', () => {
    expect(codesOf(() => parseCondition({ age: { $gtee: 18 } }))).toEqual(['age.$gtee:unknown_operator']);
    // GrowthBook's fallback for the same condition: it silently matches nobody.
    expect(evalCondition({ age: 30 }, { age: { $gtee: 18 } })).toBe(false);
  });

  it('rejects unknown top-level operators and reports nested paths', () => {
    expect(codesOf(() => parseCondition({ $xor: [] }))).toEqual(['$xor:unknown_operator']);
    expect(codesOf(() => parseCondition({ $or: [{ a: 1 }, { b: { $foo: 1 } }] }))).toEqual([
      '$or[1].b.$foo:unknown_operator',
    ]);
    expect(codesOf(() => parseCondition({ tags: { $elemMatch: { n: { $bad: 1 } } } }))).toEqual([
      'tags.$elemMatch.n.$bad:unknown_operator',
    ]);
  });

  it('rejects mistyped operands and non-object conditions', () => {
    expect(codesOf(() => parseCondition({ a: { $in: 'x' } }))).toEqual(['a.$in:invalid_operand']);
    expect(codesOf(() => parseCondition({ a: { $regex: '(' } }))).toEqual(['a.$regex:invalid_operand']);
    expect(codesOf(() => parseCondition({ a: { $type: 'date' } }))).toEqual(['a.$type:invalid_operand']);
    expect(codesOf(() => parseCondition({ a: { $exists: 1 } }))).toEqual(['a.$exists:invalid_operand']);
    expect(codesOf(() => parseCondition({ a: { $inGroup: 1 } }))).toEqual(['a.$inGroup:invalid_operand']);
    expect(codesOf(() => parseCondition({ a: { $vgt: [1] } }))).toEqual(['a.$vgt:invalid_operand']);
    expect(codesOf(() => parseCondition({ $and: {} }))).toEqual(['$and:invalid_operand']);
    expect(codesOf(() => parseCondition({ $savedGroup: 'g' }))).toEqual(['$savedGroup:invalid_operand']);
    expect(codesOf(() => parseCondition({ a: { $gt: 1, b: 2 } }))).toEqual(['a:invalid_condition']);
    expect(codesOf(() => parseCondition([]))).toEqual([':invalid_condition']);
    expect(codesOf(() => parseCondition(null))).toEqual([':invalid_condition']);
  });

  it('embeds in zod schemas', () => {
    expect(conditionSchema.safeParse({ a: { $in: [1] } }).success).toBe(true);
    const result = conditionSchema.safeParse({ a: { $nope: 1 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['a.$nope']);
  });
});
