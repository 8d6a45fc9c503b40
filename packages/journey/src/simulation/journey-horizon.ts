import { durationMs } from '../definition/duration';
import type { JourneyDefinition, JourneyNode } from '../definition/journey-types';

const DAY_MS = 86_400_000;

/** The longest one node can keep a person, as far as the definition alone tells. */
function nodeWaitMs(node: JourneyNode): number {
  switch (node.type) {
    case 'wait':
      return durationMs(node.for);
    case 'wait-for':
      return durationMs(node.timeout);
    case 'wait-until-time':
      // The next allowed weekday at that time is at most a week and a day away.
      return 8 * DAY_MS;
    case 'wait-until-trait':
      // The date is in a trait the definition cannot see: only the offset is known.
      return node.offset ? durationMs(node.offset) : 0;
    case 'message':
      return Math.max(
        node.on?.opened ? durationMs(node.on.opened.within) : 0,
        node.on?.clicked ? durationMs(node.on.clicked.within) : 0,
      );
    default:
      return 0;
  }
}

/**
 * How long after the last event a simulation runs timers by default: every wait of the journey
 * added up, an upper bound on the time one path can wait (a path passes each node at most once
 * unless it loops), so everyone who entered on the last event reaches the end or a wait on a
 * trait's date. Dates held in traits are not known here and are not counted.
 *
 * @example
 * ```ts
 * journeyHorizonMs(abandonedCart); // 2 days: a 1-day timeout, then a 1-day wait
 * ```
 */
export function journeyHorizonMs(definition: JourneyDefinition): number {
  return definition.nodes.reduce((total, node) => total + nodeWaitMs(node), 0);
}
