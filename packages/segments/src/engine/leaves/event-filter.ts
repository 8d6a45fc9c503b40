import type { CxEvent } from '@cx/core';
import { type Condition, compileCondition } from '@cx/core/conditions';
import { eventName, eventProperties } from '../event-facts';

/** A compiled "this event, with these properties" test. */
export type EventFilter = (event: CxEvent, now: number) => boolean;

/** Matches events named `name` whose properties pass `where`. */
export function eventFilter(name: string, where: Condition | undefined): EventFilter {
  const test = where === undefined ? undefined : compileCondition(where);
  return (event, now) =>
    eventName(event) === name && (test === undefined || test(eventProperties(event), {}, now));
}
