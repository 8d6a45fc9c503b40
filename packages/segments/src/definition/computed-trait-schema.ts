import { type Condition, conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';
import { definitionIdSchema } from './segment-schema';
import { type EventWindow, eventWindowSchema } from './window';

/** What a computed trait keeps about the matching events. */
export const COMPUTED_TRAIT_KINDS = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'mostFrequent',
  'first',
  'last',
  'unique',
  'uniqueCount',
] as const;

/** One of {@link COMPUTED_TRAIT_KINDS}. */
export type ComputedTraitKind = (typeof COMPUTED_TRAIT_KINDS)[number];

/**
 * A trait kept up to date from events: "orders in the last 90 days" (`count`), "lifetime value"
 * (`sum` of `revenue`), "favourite category" (`mostFrequent` of `category`), "last product viewed"
 * (`last` of `name`), "categories browsed" (`unique` of `category`).
 */
export interface ComputedTraitDefinition {
  id: string;
  name?: string;
  kind: ComputedTraitKind;
  /** The event counted. */
  event: string;
  /** The property aggregated (dot path into `properties`); required except for `count`. */
  property?: string;
  where?: Condition;
  window?: EventWindow;
}

/** The zod schema of a {@link ComputedTraitDefinition}. */
export const computedTraitSchema = z
  .object({
    id: definitionIdSchema,
    name: z.string().min(1).max(200).optional(),
    kind: z.enum(COMPUTED_TRAIT_KINDS),
    event: z.string().min(1).max(200),
    property: z.string().min(1).max(200).optional(),
    where: conditionSchema.optional(),
    window: eventWindowSchema.optional(),
  })
  .strict()
  .refine((trait) => trait.kind === 'count' || trait.property !== undefined, {
    message: 'This kind aggregates a property: name it in `property`',
    path: ['property'],
  });
