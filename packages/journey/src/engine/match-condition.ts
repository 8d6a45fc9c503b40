import { type CompiledCondition, type Condition, compileCondition } from '@cx/core/conditions';
import type { EventMatch, JourneyCondition } from '../definition/journey-types';
import { correlates } from './correlation';
import type { StepInput } from './step-types';

// Definitions are immutable once stored, so a condition object compiles once per process. The
// cache is keyed by identity and holds nothing the result depends on besides the condition itself.
const compiled = new WeakMap<object, CompiledCondition>();

/**
 * Tests attributes against a condition of the shared language at `now`. `now` is always passed,
 * so `$withinLast` and saved groups measure from the step's instant and never read the clock.
 *
 * @example
 * ```ts
 * testCondition({ 'traits.plan': 'pro' }, { traits: { plan: 'pro' } }, 0); // true
 * ```
 */
export function testCondition(
  condition: Condition,
  attributes: Record<string, unknown>,
  now: number,
): boolean {
  let predicate = compiled.get(condition);
  if (predicate === undefined) {
    predicate = compileCondition(condition);
    compiled.set(condition, predicate);
  }
  return predicate(attributes, undefined, now);
}

/**
 * True when an event input matches an {@link EventMatch}: same name, the `where` condition on its
 * properties, and every `correlate` pair against the instance's correlation keys.
 *
 * @example
 * ```ts
 * matchesEvent(
 *   { event: 'Order Completed', correlate: { cartId: 'cartId' } },
 *   { type: 'event', name: 'Order Completed', properties: { cartId: 'c1' } },
 *   { cartId: 'c1' },
 *   0,
 * ); // true
 * ```
 */
export function matchesEvent(
  match: EventMatch,
  input: Extract<StepInput, { type: 'event' }>,
  correlation: Readonly<Record<string, string>>,
  now: number,
): boolean {
  if (input.name !== match.event) return false;
  if (match.where !== undefined && !testCondition(match.where, input.properties, now)) return false;
  return correlates(match.correlate, input.properties, correlation);
}

/**
 * True when an input meets a goal, an exit criterion or a wait-for's `until`: an event input for
 * an event condition, a segment input (entered for `enter`, left for `exit`) for a segment one.
 * Other inputs never match.
 *
 * @example
 * ```ts
 * matchesJourneyCondition(
 *   { kind: 'segment', segment: 'purchasers', on: 'enter' },
 *   { type: 'segment', segment: 'purchasers', entered: true },
 *   {},
 *   0,
 * ); // true
 * ```
 */
export function matchesJourneyCondition(
  condition: JourneyCondition,
  input: StepInput,
  correlation: Readonly<Record<string, string>>,
  now: number,
): boolean {
  if (condition.kind === 'event') {
    return input.type === 'event' && matchesEvent(condition, input, correlation, now);
  }
  return (
    input.type === 'segment' &&
    input.segment === condition.segment &&
    input.entered === (condition.on === 'enter')
  );
}

/**
 * True when a segment condition already holds from the profile's current segments: a wait-for on
 * entering a segment the person is in (or leaving one they are not in) would otherwise wait for a
 * change that has already happened.
 *
 * @example
 * ```ts
 * segmentConditionHolds({ kind: 'segment', segment: 'vip', on: 'enter' }, new Set(['vip'])); // true
 * ```
 */
export function segmentConditionHolds(condition: JourneyCondition, segments: ReadonlySet<string>): boolean {
  if (condition.kind !== 'segment') return false;
  return segments.has(condition.segment) === (condition.on === 'enter');
}
