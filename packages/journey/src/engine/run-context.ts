import type { LocalZone } from '@cx/channels';
import type { JourneyDefinition } from '../definition/journey-types';
import { resolveZone } from './local-time-waits';
import type { InstanceState, StepContext, StepEffect } from './step-types';

/**
 * One step in progress: its fixed inputs, and the state and effects so far. The state is
 * replaced, never changed in place, so the caller's state (and the definition) stay untouched.
 */
export interface Run {
  readonly definition: JourneyDefinition;
  readonly context: StepContext;
  readonly now: number;
  /** The loop guard's limit on nodes entered in this step. */
  readonly maxTransitions: number;
  state: InstanceState;
  readonly effects: StepEffect[];
}

/**
 * The person's time zone for local-time waits (theirs, else the journey's, else UTC).
 *
 * @example
 * ```ts
 * personZone(run).name; // 'Asia/Ho_Chi_Minh'
 * ```
 */
export function personZone(run: Run): LocalZone {
  return resolveZone(run.context.timezone, run.definition.timezone);
}
