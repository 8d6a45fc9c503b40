import type { JourneyDefinition } from '../definition/journey-types';
import { extractCorrelation } from './correlation';
import type { InstanceState } from './step-types';

/** What {@link startInstance} needs besides the definition. */
export interface StartInstanceOptions {
  /** The instance id, chosen by the runtime (journey, version and a per-person entry sequence). */
  id: string;
  /** The version of the definition the instance runs, for good. */
  version: number;
  profileId: string;
  /** The entry event's properties, or the data given to `journey.enter()`. */
  entry: Record<string, unknown>;
  /** The entry instant (epoch ms). */
  now: number;
}

/**
 * A new instance, not yet entered: status `active`, at the journey's `start`, with the correlation
 * keys the entry names (`entry.correlation`) read from the entry properties. Pure: the runtime
 * stores it and then steps it with `{ type: 'enter' }`, which emits `Journey Entered` and runs
 * the first nodes, so entering is one step like any other and replays the same way.
 *
 * @example
 * ```ts
 * const state = startInstance(definition, {
 *   id: 'abandoned-cart/3/p1/1',
 *   version: 3,
 *   profileId: 'p1',
 *   entry: { cartId: 'c1' },
 *   now: Date.parse('2026-12-03T12:00:00Z'),
 * });
 * state.correlation; // { cartId: 'c1' } when the entry declares `correlation: ['cartId']`
 * ```
 */
export function startInstance(definition: JourneyDefinition, options: StartInstanceOptions): InstanceState {
  const names =
    definition.entry.type === 'event' || definition.entry.type === 'api'
      ? definition.entry.correlation
      : undefined;
  return {
    id: options.id,
    journeyId: definition.id,
    version: options.version,
    profileId: options.profileId,
    status: 'active',
    node: definition.start,
    entry: { ...options.entry },
    correlation: extractCorrelation(options.entry, names),
    data: {},
    waiting: null,
    enteredAt: options.now,
    path: [],
  };
}
