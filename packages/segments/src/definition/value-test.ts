import { type Condition, findConditionIssues } from '@cx/core/conditions';
import { z } from 'zod';

/**
 * A test of one value in the condition language: an operator object (`{ $gte: 3 }`) or a literal
 * compared for equality. Checked strictly, as a condition on a field named `value`.
 */
export const valueTestSchema = z
  .custom<Condition | string | number | boolean>((value) => value !== undefined, 'A value test is required')
  .superRefine((test, ctx) => {
    for (const found of findConditionIssues({ value: test })) {
      const path = found.path.replace(/^value\.?/, '');
      ctx.addIssue({ code: 'custom', message: found.message, path: path === '' ? [] : [path] });
    }
  });

/** The condition that runs a value test on `{ value }`. */
export const valueTestCondition = (test: unknown): Condition => ({ value: test });
