import type { CxEvent } from '@cx/core';
import type { FunnelDefinitionInput, PersonKey } from '@cx/metrics';
import { durationMs } from '../definition/duration';
import type { Duration } from '../definition/journey-types';
import { conditionFilters } from './direct-filters';
import type { JourneyMap } from './journey-map-types';
import { stageMatcher } from './stage-matcher';

/**
 * The name of the events {@link JourneyMapFunnel.tag} makes: one per stored event that reaches
 * any stage, with `properties.stages` naming the stages (`{ s0: true, s3: true }`).
 */
export const JOURNEY_MAP_STAGE_EVENT = 'Journey Map Stage Reached';

/** Options of {@link mapFunnel}. */
export interface MapFunnelOptions {
  /** How long after reaching the first stage a person may reach the last; default 30 days. */
  window?: Duration;
  /** Inclusive start of the events counted (ISO or epoch ms). */
  from?: string | number;
  /** Exclusive end of the events counted (ISO or epoch ms). */
  to?: string | number;
  /** Who is one person, as `@cx/metrics` funnels count them; default `canonical`. */
  personKey?: PersonKey;
}

/** A journey map compiled to `@cx/metrics` funnels. */
export interface JourneyMapFunnel {
  /**
   * One step per stage over the events {@link tag} makes, so a stage is reached when any of its
   * touchpoints' events happens and each `where` is the full condition language. Works for every map.
   */
  definition: FunnelDefinitionInput;
  /**
   * The same funnel over stored events, for `sqlFunnel`: only when every stage is one event whose
   * `where` metrics' property filters can express; `null` otherwise.
   */
  direct: FunnelDefinitionInput | null;
  /** The stage event for a stored event, or `null` when it reaches no stage. */
  tag(event: CxEvent): CxEvent | null;
}

const DEFAULT_WINDOW: Duration = { days: 30 };

const stageKey = (index: number) => `s${index}`;

function directSteps(map: JourneyMap): FunnelDefinitionInput['steps'] | null {
  const steps: FunnelDefinitionInput['steps'] = [];
  for (const stage of map.stages) {
    const matches = stage.touchpoints.flatMap((touchpoint) => touchpoint.events);
    if (matches.length !== 1) return null;
    const where = conditionFilters(matches[0]!.where);
    if (where === null) return null;
    steps.push({ event: matches[0]!.event, where, label: stage.name });
  }
  return steps;
}

/**
 * Compiles a journey map into a `@cx/metrics` funnel: one sequential step per stage, the whole
 * funnel within `window`. `@cx/metrics` steps match one event each, so stages with several
 * events are matched here ({@link JourneyMapFunnel.tag}) and the funnel counts the tagged events.
 * One stored event reaches every stage it matches but advances a person by one step only, so a
 * retention stage of `Order Completed` after a purchase stage of `Order Completed` needs a second order.
 *
 * @example
 * ```ts
 * const funnel = mapFunnel(map, { window: { days: 14 }, from: '2025-03-01T00:00:00Z' });
 * const counter = createStreamingFunnel(funnel.definition);
 * for (const event of events) {
 *   const tagged = funnel.tag(event);
 *   if (tagged !== null) counter.add(tagged);
 * }
 * counter.result().steps.map((step) => step.count);
 * ```
 */
export function mapFunnel(map: JourneyMap, options: MapFunnelOptions = {}): JourneyMapFunnel {
  const common = {
    windowMs: durationMs(options.window ?? DEFAULT_WINDOW),
    order: 'sequential' as const,
    ...(options.personKey === undefined ? {} : { personKey: options.personKey }),
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.to === undefined ? {} : { to: options.to }),
  };
  const definition: FunnelDefinitionInput = {
    ...common,
    steps: map.stages.map((stage, index) => ({
      event: JOURNEY_MAP_STAGE_EVENT,
      where: [{ property: `stages.${stageKey(index)}`, op: 'eq', value: true }],
      label: stage.name,
    })),
  };
  const steps = directSteps(map);
  const stagesOf = stageMatcher(map);
  return {
    definition,
    direct: steps === null ? null : { ...common, steps },
    tag(event) {
      const bits = stagesOf(event);
      if (bits === 0) return null;
      const stages: Record<string, true> = {};
      map.stages.forEach((_, index) => {
        if ((bits & (1 << index)) !== 0) stages[stageKey(index)] = true;
      });
      return { ...event, type: 'track', event: JOURNEY_MAP_STAGE_EVENT, properties: { stages } } as CxEvent;
    },
  };
}
