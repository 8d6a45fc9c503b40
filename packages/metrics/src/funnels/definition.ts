import { parseOrThrow, ValidationError, type ValidationIssue } from '@cx/core';
import { z } from 'zod';
import { personKeySchema } from '../events/person-key';
import { propertyPathSchema } from '../events/property-path';

const primitive = z.union([z.string().max(1024), z.number().finite(), z.boolean()]);

/**
 * A condition on an event property (a dotted path into `properties`). `eq`/`neq`/`in` compare JSON
 * values exactly (`neq` is true when the property is missing); `gt`…`lte` hold only for numbers;
 * `exists` means present and not `null`.
 */
export const propertyFilterSchema = z.discriminatedUnion('op', [
  z.object({ property: propertyPathSchema, op: z.enum(['eq', 'neq']), value: primitive }),
  z.object({ property: propertyPathSchema, op: z.literal('in'), values: z.array(primitive).min(1).max(100) }),
  z.object({
    property: propertyPathSchema,
    op: z.enum(['gt', 'gte', 'lt', 'lte']),
    value: z.number().finite(),
  }),
  z.object({ property: propertyPathSchema, op: z.enum(['exists', 'notExists']) }),
]);
/** See {@link propertyFilterSchema}. */
export type PropertyFilter = z.output<typeof propertyFilterSchema>;

const matcherFields = {
  /** A `track` event name. Give this, or `type` for page and screen views. */
  event: z.string().min(1).max(512).optional(),
  /** `page` or `screen` views (optionally of one `name`); default `track`. */
  type: z.enum(['track', 'page', 'screen']).default('track'),
  /** The page or screen name, for `type: 'page' | 'screen'`. */
  name: z.string().min(1).max(512).optional(),
  /** Property conditions, all of which must hold. */
  where: z.array(propertyFilterSchema).max(20).default([]),
};

/** One funnel step. */
export const funnelStepSchema = z.object({
  ...matcherFields,
  /** A label for reports; defaults to the event or page name. */
  label: z.string().min(1).max(256).optional(),
  /** An optional step may be skipped; it is counted when it happens between its neighbours. */
  optional: z.boolean().default(false),
  /** Per-step window: at most this many ms after the previous required step. */
  withinMs: z.number().int().positive().optional(),
});

/** An exclusion: an event that, between two steps, removes the attempt from the later step on. */
export const funnelExclusionSchema = z.object({
  ...matcherFields,
  /** Indexes of the two required steps it applies between; default the first and the last. */
  between: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).optional(),
});

const timeSchema = z.union([z.iso.datetime(), z.number().int()]);

/**
 * A funnel, serialisable so a dashboard or a journey map can store it. Semantics (the same in the
 * streaming and the SQL implementation, proved by differential tests):
 *
 * - Events are those of type `track`, `page` or `screen` in `[from, to)`, grouped by person
 *   (see `personKey`: by default the surviving profile after identity merges, so the events of
 *   merged profiles form one person's sequence) and, with `holdConstant`, also by that property's value (events without it
 *   are ignored), ordered by timestamp then arrival.
 * - `sequential`: every event matching step 1 starts an attempt; each following required step is
 *   matched by the earliest later matching event. The attempt stops at the first step that is
 *   missing, later than `windowMs` after the entry, later than its own `withinMs` after the
 *   previous required step, or preceded (after the exclusion's first step) by an exclusion event.
 *   A person's result is their deepest attempt (the earliest on ties).
 * - `strict`: as sequential, but each step must be the very next event of the person.
 * - `any`: steps in any order; for each event, count the distinct steps with an event in
 *   `[t, t + windowMs]`; step k counts people who did at least k of the steps.
 * - Optional steps are matched by the earliest event after the previous required step, if it falls
 *   before the next required step's match and within the window.
 * - Breakdowns attribute a person to the property value of their entry (`first-touch`) or of the
 *   last step they reached (`last-touch`).
 *
 * @example
 * ```ts
 * const checkout = defineFunnel({
 *   steps: [{ event: 'Product Viewed' }, { event: 'Product Added' }, { event: 'Order Completed' }],
 *   windowMs: 7 * 86_400_000,
 *   holdConstant: 'cartId',
 *   breakdown: { property: 'utm_source', attribution: 'first-touch' },
 * });
 * ```
 */
export const funnelDefinitionSchema = z.object({
  steps: z.array(funnelStepSchema).min(2, 'A funnel needs at least two steps').max(20),
  /** The whole funnel's conversion window in ms. */
  windowMs: z.number().int().positive(),
  order: z.enum(['sequential', 'strict', 'any']).default('sequential'),
  exclusions: z.array(funnelExclusionSchema).max(10).default([]),
  /** A property every step must share, such as `cartId`. */
  holdConstant: propertyPathSchema.optional(),
  breakdown: z
    .object({
      property: propertyPathSchema,
      attribution: z.enum(['first-touch', 'last-touch']).default('first-touch'),
    })
    .optional(),
  /**
   * Who is one person (see `personKeySchema`); default `canonical`: the surviving profile after
   * identity merges, so a visitor who browsed anonymously and then signed up counts once.
   */
  personKey: personKeySchema.default('canonical'),
  /** Inclusive start, ISO or epoch ms. */
  from: timeSchema.optional(),
  /** Exclusive end, ISO or epoch ms. */
  to: timeSchema.optional(),
});

/** A funnel as written by a user. */
export type FunnelDefinitionInput = z.input<typeof funnelDefinitionSchema>;
/** A validated funnel with defaults filled in. */
export type FunnelDefinition = z.output<typeof funnelDefinitionSchema>;
/** A validated step. */
export type FunnelStep = z.output<typeof funnelStepSchema>;
/** A step or exclusion matcher. */
export type EventMatcher = Pick<FunnelStep, 'event' | 'type' | 'name' | 'where'>;

/** A validated funnel, with derived indexes both implementations share. */
export interface CompiledFunnel {
  definition: FunnelDefinition;
  /** Indexes of the required steps; the first is 0. */
  required: number[];
  /** For each optional step index: the position in `required` of the step before it. */
  optionalAfter: Map<number, number>;
  /** Exclusions with resolved positions in `required` (`a` < `b`). */
  exclusions: { matcher: EventMatcher; a: number; b: number }[];
  fromMs: number | null;
  toMs: number | null;
}

function issue(path: string, message: string, code = 'invalid_funnel'): ValidationIssue {
  return { path, message, code };
}

/**
 * Validates a funnel definition and resolves its step indexes. Throws a `ValidationError` for an
 * empty funnel, a zero window, unknown steps in an exclusion, or options that do not apply to
 * the chosen order.
 */
export function defineFunnel(input: FunnelDefinitionInput): FunnelDefinition {
  return compileFunnel(input).definition;
}

/** Validates and compiles a funnel (see {@link defineFunnel}). */
export function compileFunnel(input: FunnelDefinitionInput | FunnelDefinition): CompiledFunnel {
  const definition = parseOrThrow(funnelDefinitionSchema, input, 'funnel');
  const issues: ValidationIssue[] = [];
  const checkMatcher = (m: EventMatcher, path: string) => {
    if (m.type === 'track' && m.event === undefined)
      issues.push(issue(path, 'A track step needs an event name'));
    if (m.type !== 'track' && m.event !== undefined)
      issues.push(issue(`${path}.event`, 'Page and screen steps match by name, not event'));
    if (m.type === 'track' && m.name !== undefined)
      issues.push(issue(`${path}.name`, 'Track steps match by event, not name'));
  };
  definition.steps.forEach((step, index) => {
    checkMatcher(step, `steps[${index}]`);
    if (index === 0 && step.optional)
      issues.push(issue('steps[0].optional', 'The first step cannot be optional'));
    if (index === 0 && step.withinMs !== undefined)
      issues.push(issue('steps[0].withinMs', 'The first step has no previous step'));
    if (step.optional && step.withinMs !== undefined)
      issues.push(
        issue(`steps[${index}].withinMs`, 'Optional steps use the window of the required step after them'),
      );
    if (definition.order !== 'sequential' && step.optional)
      issues.push(issue(`steps[${index}].optional`, 'Optional steps need the sequential order'));
    if (definition.order === 'any' && step.withinMs !== undefined)
      issues.push(issue(`steps[${index}].withinMs`, 'Per-step windows need an ordered funnel'));
  });
  const required = definition.steps.flatMap((step, index) => (step.optional ? [] : [index]));
  const optionalAfter = new Map<number, number>();
  definition.steps.forEach((step, index) => {
    if (step.optional) optionalAfter.set(index, required.filter((r) => r < index).length - 1);
  });
  if (definition.order !== 'sequential' && definition.exclusions.length > 0)
    issues.push(issue('exclusions', 'Exclusions need the sequential order'));
  if (definition.order === 'any' && definition.breakdown?.attribution === 'last-touch')
    issues.push(issue('breakdown.attribution', 'Any-order funnels attribute to the first touch'));
  const exclusions: CompiledFunnel['exclusions'] = [];
  definition.exclusions.forEach((exclusion, index) => {
    checkMatcher(exclusion, `exclusions[${index}]`);
    const [from, to] = exclusion.between ?? [0, definition.steps.length - 1];
    const a = required.indexOf(from);
    const b = required.indexOf(to);
    if (from >= definition.steps.length || to >= definition.steps.length)
      issues.push(issue(`exclusions[${index}].between`, 'Unknown step', 'unknown_step'));
    else if (a < 0 || b < 0)
      issues.push(issue(`exclusions[${index}].between`, 'Exclusions apply between required steps'));
    else if (a >= b)
      issues.push(issue(`exclusions[${index}].between`, 'The first step must come before the second'));
    else exclusions.push({ matcher: exclusion, a, b });
  });
  const fromMs = definition.from === undefined ? null : toMs(definition.from);
  const toMsValue = definition.to === undefined ? null : toMs(definition.to);
  if (fromMs !== null && toMsValue !== null && fromMs >= toMsValue)
    issues.push(issue('to', 'to must be after from'));
  if (issues.length > 0) {
    throw new ValidationError(
      `Invalid funnel: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return { definition, required, optionalAfter, exclusions, fromMs, toMs: toMsValue };
}

const toMs = (value: string | number) => (typeof value === 'number' ? value : Date.parse(value));

/** The label of a step in reports. */
export function stepLabel(step: FunnelStep): string {
  return (
    step.label ??
    step.event ??
    (step.name === undefined ? `${step.type} view` : `${step.name} (${step.type})`)
  );
}
