import { compileCondition } from './compile-condition';
import type { Condition, ConditionAttributes, SavedGroups } from './condition-types';

/**
 * Tests attributes against a condition with GrowthBook's semantics (the `evalCondition` of the
 * GrowthBook SDKs, same name and argument order), so a targeting rule written for a GrowthBook
 * front end selects the same people in a cx backend.
 *
 * It never throws: like GrowthBook, an unknown operator inside an operator object, an invalid
 * regular expression or an operand of the wrong type simply does not match (returns `false`),
 * and an unknown top-level `$key` is read as an attribute path. Run conditions from untrusted
 * input through {@link parseCondition} first to reject such mistakes with a `ValidationError`.
 * For repeated evaluation, {@link compileCondition} does the parsing once.
 *
 * @param attributes The attributes to test, such as a user's traits.
 * @param condition The condition; `{}` matches everything.
 * @param savedGroups Saved groups for `$inGroup`, `$notInGroup` and `$savedGroup`.
 * @param now The instant (epoch milliseconds) `$withinLast` and `$notWithinLast` measure from;
 *   `Date.now()` when omitted. Pass it to evaluate at a known time, such as an injected clock's.
 * @example
 * ```ts
 * evalCondition({ country: 'VN', tags: ['vip'] }, { country: { $in: ['VN', 'TH'] }, tags: { $elemMatch: { $eq: 'vip' } } }); // true
 * evalCondition({ id: 'u1' }, { id: { $inGroup: 'beta' } }, { beta: ['u1', 'u2'] }); // true
 * evalCondition({ seenAt: '2026-01-30T10:00:00Z' }, { seenAt: { $withinLast: { amount: 1, unit: 'days' } } }, {}, Date.parse('2026-01-31T00:00:00Z')); // true
 * ```
 */
export function evalCondition(
  attributes: ConditionAttributes,
  condition: Condition,
  savedGroups?: SavedGroups,
  now?: number,
): boolean {
  return compileCondition(condition)(attributes, savedGroups, now);
}
