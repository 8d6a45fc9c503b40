import type { JourneyDefinition } from '../definition/journey-types';
import { matchesJourneyCondition } from './match-condition';
import type { InstanceOutcome, InstanceState, StepInput } from './step-types';

/**
 * The goal or exit criterion an input meets, as the outcome that ends the instance, or
 * `undefined`. Goals are tried before exit criteria: when one event is both (an order that
 * converts the cart and also leaves the "no purchase" segment), the conversion is what happened.
 * Correlation applies, so another cart's `Order Completed` converts nothing.
 *
 * @example
 * ```ts
 * endingOutcome(definition, state, { type: 'event', name: 'Order Completed', properties: { cartId: 'c1' } }, now);
 * // { kind: 'goal', id: 'ordered', at: now }
 * ```
 */
export function endingOutcome(
  definition: JourneyDefinition,
  state: InstanceState,
  input: StepInput,
  now: number,
): InstanceOutcome | undefined {
  for (const goal of definition.goals ?? []) {
    if (matchesJourneyCondition(goal, input, state.correlation, now))
      return { kind: 'goal', id: goal.id, at: now };
  }
  for (const exit of definition.exitWhen ?? []) {
    if (matchesJourneyCondition(exit, input, state.correlation, now))
      return { kind: 'exit', id: exit.id, at: now };
  }
  return undefined;
}
