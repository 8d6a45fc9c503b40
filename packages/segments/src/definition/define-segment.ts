import type { Condition } from '@cx/core/conditions';
import type { ComputedTraitDefinition } from './computed-trait-schema';
import type { Duration, DurationUnit } from './duration';
import { parseComputedTrait, parseSegmentDefinition } from './parse-definitions';
import type { CountTest, SegmentDefinition, SegmentNode, SequenceStep } from './segment-schema';
import type { EventWindow } from './window';

/*
 * The typed builder: plain functions that return the JSON form, so a definition written in code
 * and one loaded from a file are the same value, validated by the same schema.
 */

/**
 * Checks and returns a segment definition.
 *
 * @example
 * ```ts
 * const cartThenHome = defineSegment({
 *   id: 'cart-then-home',
 *   name: 'Added to cart, then went back home',
 *   node: sequence([{ event: 'Product Added' }, { event: 'Page Viewed', where: { path: '/' } }], minutes(30)),
 * });
 * ```
 * @throws `ValidationError` with the path of every problem.
 */
export const defineSegment = (definition: SegmentDefinition): SegmentDefinition =>
  parseSegmentDefinition(definition);

/** Checks and returns a computed trait. @throws `ValidationError` with paths. */
export const defineComputedTrait = (definition: ComputedTraitDefinition): ComputedTraitDefinition =>
  parseComputedTrait(definition);

const duration =
  (unit: DurationUnit) =>
  (amount: number): Duration => ({ amount, unit });
/** `{ amount, unit: 'minutes' }` */
export const minutes = duration('minutes');
/** `{ amount, unit: 'hours' }` */
export const hours = duration('hours');
/** `{ amount, unit: 'days' }` */
export const days = duration('days');
/** `{ amount, unit: 'weeks' }` */
export const weeks = duration('weeks');
/** A rolling window: the last `length`. */
export const inLast = (length: Duration): EventWindow => ({ last: length });
/** An absolute window, `from` inclusive, `to` exclusive. */
export const between = (from: string | Date, to: string | Date): EventWindow => ({
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
});

/** Traits match a condition. */
export const trait = (condition: Condition): SegmentNode => ({ type: 'trait', condition });
/** Every node holds. */
export const and = (...nodes: SegmentNode[]): SegmentNode => ({ type: 'and', nodes });
/** Some node holds. */
export const or = (...nodes: SegmentNode[]): SegmentNode => ({ type: 'or', nodes });
/** The node does not hold. */
export const not = (node: SegmentNode): SegmentNode => ({ type: 'not', node });

/** Options of the event nodes. */
export interface EventNodeOptions {
  where?: Condition;
  window?: EventWindow;
}

/** Performed an event (at least once, or as `count` says). */
export const performed = (
  event: string,
  options: EventNodeOptions & { count?: CountTest } = {},
): SegmentNode => ({
  type: 'performed',
  event,
  ...options,
});
/** At least `n` times. */
export const atLeast = (value: number): CountTest => ({ op: 'gte', value });
/** Exactly `n` times. */
export const exactly = (value: number): CountTest => ({ op: 'eq', value });
/** Fewer than `n` times. */
export const fewerThan = (value: number): CountTest => ({ op: 'lt', value });
/** Did not perform an event. */
export const notPerformed = (event: string, options: EventNodeOptions = {}): SegmentNode => ({
  type: 'notPerformed',
  event,
  ...options,
});
/** The first matching event is in the window and has these properties. */
export const firstPerformed = (
  event: string,
  options: EventNodeOptions & { properties?: Condition } = {},
): SegmentNode => ({
  type: 'firstPerformed',
  event,
  ...options,
});
/** The latest matching event is in the window and has these properties. */
export const lastPerformed = (
  event: string,
  options: EventNodeOptions & { properties?: Condition } = {},
): SegmentNode => ({
  type: 'lastPerformed',
  event,
  ...options,
});
/** The steps in order, the last within `within` of the first. */
export const sequence = (steps: SequenceStep[], within: Duration, window?: EventWindow): SegmentNode => ({
  type: 'sequence',
  steps,
  within,
  ...(window ? { window } : {}),
});
/** A member of another segment. */
export const inSegment = (segment: string): SegmentNode => ({ type: 'inSegment', segment });
/** A deterministic random `[from, to)` percent of profiles. */
export const bucket = (from: number, to: number, salt?: string): SegmentNode => ({
  type: 'bucket',
  from,
  to,
  ...(salt !== undefined ? { salt } : {}),
});
/** A computed trait passes a value test. */
export const computed = (traitId: string, test: Condition | string | number | boolean): SegmentNode => ({
  type: 'computed',
  trait: traitId,
  test,
});
