import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AdapterError,
  ConflictError,
  CxError,
  isCxError,
  LimitError,
  NotFoundError,
  parseOrThrow,
  ValidationError,
} from '../src';

describe('errors', () => {
  it('gives every subclass its code and a JSON form', () => {
    expect(new ConflictError('x').code).toBe('CONFLICT');
    expect(new NotFoundError('x').code).toBe('NOT_FOUND');
    const limit = new LimitError('too big', 10, 11);
    expect(limit.toJSON()).toEqual({
      name: 'LimitError',
      code: 'LIMIT',
      message: 'too big',
      limit: 10,
      actual: 11,
    });
    const cause = new Error('connection refused');
    const adapter = new AdapterError({ adapter: 'postgres', op: 'events.append', cause });
    expect(adapter.message).toBe('postgres events.append failed: connection refused');
    expect(adapter.cause).toBe(cause);
  });

  it('isCxError checks the shared brand, so errors from another copy of the package still match', () => {
    const foreign = Object.assign(new Error('from another copy'), {
      code: 'CONFLICT',
      [Symbol.for('@cx/core/CxError')]: true,
    });
    expect(isCxError(foreign)).toBe(true);
    expect(isCxError(foreign, 'CONFLICT')).toBe(true);
    expect(isCxError(foreign, 'LIMIT')).toBe(false);
    expect(isCxError(Object.assign(new Error('plain'), { code: 'CONFLICT' }))).toBe(false);
    expect(isCxError(null)).toBe(false);
    expect(new ValidationError('x')).toBeInstanceOf(CxError);
  });

  it('turns zod failures into a ValidationError naming the path and the problem', () => {
    const schema = z.object({ traits: z.object({ email: z.email() }), items: z.array(z.number()) });
    let error: unknown;
    try {
      parseOrThrow(schema, { traits: { email: 'nope' }, items: [1, 'two'] }, 'profile');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((i) => i.path)).toEqual(['traits.email', 'items[1]']);
    expect((error as ValidationError).message).toMatch(/^Invalid profile: traits\.email: .+; items\[1\]: .+/);
  });
});
