import type { CxEvent } from '@cx/core';
import { type CompiledCondition, compileCondition } from '@cx/core/conditions';
import type { JourneyMap, TouchpointEvent } from './journey-map-types';

/** A compiled touchpoint event: its name and the predicate of its `where`. */
interface CompiledMatch {
  event: string;
  test: CompiledCondition | null;
}

/**
 * Which stages an event reaches, as a bit set (bit k: stage k). Touchpoint events are
 * `track` events; `where` is tested on the event's properties at the event's own time, so
 * `$withinLast` reads the event's instant and never the clock.
 *
 * @example
 * ```ts
 * const stagesOf = stageMatcher(map);
 * stagesOf(orderCompletedEvent); // 0b11000: purchase and retention
 * ```
 */
export function stageMatcher(map: JourneyMap): (event: CxEvent) => number {
  // Grouped by event name, so an event is only tested against the stages that name it.
  const byName = new Map<string, { bit: number; match: CompiledMatch }[]>();
  map.stages.forEach((stage, index) => {
    for (const touchpoint of stage.touchpoints)
      for (const match of touchpoint.events) {
        const list = byName.get(match.event) ?? [];
        list.push({ bit: 1 << index, match: compile(match) });
        byName.set(match.event, list);
      }
  });
  return (event) => {
    if (event.type !== 'track') return 0;
    const candidates = byName.get(event.event);
    if (candidates === undefined) return 0;
    const properties = (event.properties ?? {}) as Record<string, unknown>;
    const now = Date.parse(event.timestamp);
    let bits = 0;
    for (const { bit, match } of candidates)
      if ((bits & bit) === 0 && (match.test === null || match.test(properties, undefined, now))) bits |= bit;
    return bits;
  };
}

function compile(match: TouchpointEvent): CompiledMatch {
  return { event: match.event, test: match.where === undefined ? null : compileCondition(match.where) };
}
