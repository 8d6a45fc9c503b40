import { type Condition, conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';

/** How a metric aggregates events per unit. */
export type MetricType = 'conversion' | 'count' | 'revenue' | 'ratio';

/** Which events a metric (or a ratio's denominator) counts. */
export interface EventSelector {
  /** The `track` event name, such as `Order Completed`. */
  event: string;
  /** Only events whose properties match this condition (GrowthBook operators). */
  where?: Condition;
  /** The numeric property summed by revenue and ratio metrics; default `revenue` for revenue metrics, otherwise each event counts 1. */
  valueProperty?: string;
}

/**
 * A metric read from the event store, per unit after their first exposure:
 * - `conversion`: did the unit do the event at least once (binomial);
 * - `count`: how many times;
 * - `revenue`: the sum of `valueProperty` (default `revenue`);
 * - `ratio`: Σ numerator / Σ denominator over units (e.g. revenue per session), by the delta method.
 */
export interface MetricDefinition extends EventSelector {
  key: string;
  name?: string;
  type: MetricType;
  /** Ratio metrics only. */
  denominator?: EventSelector;
  /** Only events within this many hours after the unit's first exposure; default: until the analysis. */
  windowHours?: number;
  /** False for metrics where lower is better (errors, latency, unsubscribes). Default true. */
  higherIsBetter?: boolean;
  /** CUPED: use the same metric over this many days before exposure as covariate (not for ratio metrics). */
  cupedDays?: number;
}

const selectorShape = {
  event: z.string().min(1),
  where: conditionSchema.optional(),
  valueProperty: z.string().min(1).optional(),
};

export const metricDefinitionSchema = z
  .strictObject({
    key: z.string().min(1).max(128),
    name: z.string().optional(),
    type: z.enum(['conversion', 'count', 'revenue', 'ratio']),
    ...selectorShape,
    denominator: z.strictObject(selectorShape).optional(),
    windowHours: z.number().positive().optional(),
    higherIsBetter: z.boolean().optional(),
    cupedDays: z.number().positive().optional(),
  })
  .refine((m) => (m.type === 'ratio') === (m.denominator !== undefined), {
    message: 'ratio metrics need a denominator, and only ratio metrics may have one',
    path: ['denominator'],
  })
  .refine((m) => !(m.type === 'ratio' && m.cupedDays !== undefined), {
    message: 'CUPED is not available for ratio metrics',
    path: ['cupedDays'],
  });
