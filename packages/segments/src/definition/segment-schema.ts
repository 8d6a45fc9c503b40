import { type Condition, conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';
import { type Duration, durationSchema } from './duration';
import { valueTestSchema } from './value-test';
import { type EventWindow, eventWindowSchema } from './window';

/** How a count of events is tested: at least, exactly or fewer than `value` times. */
export interface CountTest {
  op: 'gte' | 'eq' | 'lt';
  value: number;
}

/** One step of a sequence: an event name and an optional test on its properties. */
export interface SequenceStep {
  event: string;
  where?: Condition;
}

/**
 * A node of a segment definition. Leaves test traits, events, other segments, a random bucket or
 * a computed trait; `and`, `or` and `not` combine them.
 */
export type SegmentNode =
  /** The profile's traits match a condition (the shared condition language). */
  | { type: 'trait'; condition: Condition }
  | { type: 'and'; nodes: SegmentNode[] }
  | { type: 'or'; nodes: SegmentNode[] }
  | { type: 'not'; node: SegmentNode }
  /** Performed `event` (whose properties match `where`) a number of times within `window`. */
  | { type: 'performed'; event: string; where?: Condition; count?: CountTest; window?: EventWindow }
  /** Did not perform `event` within `window` (never, without one). */
  | { type: 'notPerformed'; event: string; where?: Condition; window?: EventWindow }
  /**
   * The first (or last) matching `event` happened within `window` and its properties match
   * `properties`: "signed up in the last 7 days", "last order was paid by card".
   */
  | {
      type: 'firstPerformed' | 'lastPerformed';
      event: string;
      where?: Condition;
      window?: EventWindow;
      properties?: Condition;
    }
  /**
   * The steps happened in this order, the last within `within` of the first ("added to cart,
   * then went back to the home page within 30 minutes"); `window` bounds when it completed.
   */
  | { type: 'sequence'; steps: SequenceStep[]; within: Duration; window?: EventWindow }
  /** Is a member of another segment (cycles are refused). */
  | { type: 'inSegment'; segment: string }
  /** A deterministic random bucket of the profile id: `[from, to)` percent; holdouts and samples. */
  | { type: 'bucket'; from: number; to: number; salt?: string }
  /** A computed trait's value passes a value test (`{ $gte: 3 }`). */
  | { type: 'computed'; trait: string; test: Condition | string | number | boolean };

/** A saved segment. */
export interface SegmentDefinition {
  /** Lower-case id: `cart-then-home`. */
  id: string;
  name: string;
  description?: string;
  /** What a member satisfies. */
  node: SegmentNode;
}

/** Segment and computed-trait ids: lower case, digits, `-`, `_` and `.`. */
export const definitionIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, 'Ids are lower case letters, digits, -, _ and . (at most 128)');

const eventNameSchema = z.string().min(1, 'An event name is required').max(200);

const countTestSchema = z
  .object({ op: z.enum(['gte', 'eq', 'lt']), value: z.number().int().min(0, 'A count cannot be negative') })
  .strict();

const stepSchema = z.object({ event: eventNameSchema, where: conditionSchema.optional() }).strict();

/** The zod schema of a {@link SegmentNode}; unknown node types and operators are refused with their path. */
export const segmentNodeSchema: z.ZodType<SegmentNode> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('trait'), condition: conditionSchema }).strict(),
    z.object({ type: z.literal('and'), nodes: z.array(segmentNodeSchema).min(1) }).strict(),
    z.object({ type: z.literal('or'), nodes: z.array(segmentNodeSchema).min(1) }).strict(),
    z.object({ type: z.literal('not'), node: segmentNodeSchema }).strict(),
    z
      .object({
        type: z.literal('performed'),
        event: eventNameSchema,
        where: conditionSchema.optional(),
        count: countTestSchema.optional(),
        window: eventWindowSchema.optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('notPerformed'),
        event: eventNameSchema,
        where: conditionSchema.optional(),
        window: eventWindowSchema.optional(),
      })
      .strict(),
    ...(['firstPerformed', 'lastPerformed'] as const).map((type) =>
      z
        .object({
          type: z.literal(type),
          event: eventNameSchema,
          where: conditionSchema.optional(),
          window: eventWindowSchema.optional(),
          properties: conditionSchema.optional(),
        })
        .strict(),
    ),
    z
      .object({
        type: z.literal('sequence'),
        steps: z.array(stepSchema).min(2, 'A sequence has at least two steps').max(8),
        within: durationSchema,
        window: eventWindowSchema.optional(),
      })
      .strict(),
    z.object({ type: z.literal('inSegment'), segment: definitionIdSchema }).strict(),
    z
      .object({
        type: z.literal('bucket'),
        from: z.number().min(0).max(100),
        to: z.number().min(0).max(100),
        salt: z.string().max(200).optional(),
      })
      .strict()
      .refine((bucket) => bucket.from < bucket.to, {
        message: 'A bucket must end after it starts',
        path: ['to'],
      }),
    z.object({ type: z.literal('computed'), trait: definitionIdSchema, test: valueTestSchema }).strict(),
  ]),
) as z.ZodType<SegmentNode>;

/** The zod schema of a {@link SegmentDefinition}. */
export const segmentDefinitionSchema = z
  .object({
    id: definitionIdSchema,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    node: segmentNodeSchema,
  })
  .strict();
