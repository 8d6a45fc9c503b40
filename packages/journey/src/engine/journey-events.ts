import type { InstanceState, JourneyEventName, StepEffect } from './step-types';

/**
 * A `journey-event` effect about an instance. Every event carries the journey, version and
 * instance ids, so analytics can count entries, steps and exits per version without the state.
 *
 * @example
 * ```ts
 * journeyEvent(state, 'Journey Step', { node: 'email-1', from: 'wait-1' });
 * // { type: 'journey-event', name: 'Journey Step',
 * //   properties: { journeyId, version, instanceId, node: 'email-1', from: 'wait-1' } }
 * ```
 */
export function journeyEvent(
  state: InstanceState,
  name: JourneyEventName,
  extra: Record<string, unknown> = {},
): StepEffect {
  return {
    type: 'journey-event',
    name,
    properties: { journeyId: state.journeyId, version: state.version, instanceId: state.id, ...extra },
  };
}
