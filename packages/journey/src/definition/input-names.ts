import type { JourneyCondition, JourneyDefinition } from './journey-types';

const SEGMENT_EVENTS = ['Segment Entered', 'Segment Exited'];

const conditionNames = (condition: JourneyCondition) =>
  condition.kind === 'event' ? [condition.event] : SEGMENT_EVENTS;

/**
 * The names of the events a journey reacts to: its entry event, the events and segment changes of
 * its goals, exit criteria and wait-for nodes. Any other event of a person (their own
 * `Journey Step` events, most page views) changes none of its instances, so the runtime does not
 * route it. Results of the journey's messages are matched by their source, not listed here.
 *
 * @example
 * ```ts
 * journeyInputNames(abandonedCart); // ['Checkout Started', 'Order Completed', 'Product Viewed']
 * ```
 */
export function journeyInputNames(definition: JourneyDefinition): string[] {
  const names = new Set<string>();
  const entry = definition.entry;
  if (entry.type === 'event') names.add(entry.event);
  if (entry.type === 'segment') for (const name of SEGMENT_EVENTS) names.add(name);
  for (const condition of [...(definition.goals ?? []), ...(definition.exitWhen ?? [])]) {
    for (const name of conditionNames(condition)) names.add(name);
  }
  for (const node of definition.nodes) {
    if (node.type === 'wait-for') for (const name of conditionNames(node.until)) names.add(name);
  }
  return [...names].sort();
}
