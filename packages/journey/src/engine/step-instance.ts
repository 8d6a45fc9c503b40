import type { JourneyDefinition } from '../definition/journey-types';
import { endingOutcome } from './ending-criteria';
import { endInstance } from './instance-transitions';
import { journeyEvent } from './journey-events';
import { resumeWaiting } from './resume-waiting';
import type { Run } from './run-context';
import { defaultMaxTransitions, runNodes } from './run-nodes';
import type {
  InstanceState,
  StepContext,
  StepEffect,
  StepInput,
  StepOptions,
  StepResult,
} from './step-types';

/**
 * Steps an instance: applies one input at `now` and runs the instance forward through every node
 * that completes at once (branches, splits, trait updates, webhooks, messages without `on`) until
 * it waits or ends, returning the new state and the effects, in order, for the runtime to commit
 * together.
 *
 * Pure: no I/O, no clock, no randomness but hashing; the state and the definition are never
 * changed; the same arguments give equal results, so replaying stored inputs reproduces a run and
 * a simulation runs the production code. (`context.assignVariation` must be deterministic too.)
 *
 * - `enter` on a new instance emits `Journey Entered` and runs from `start`; `migrate` does the
 *   same from its `node` (an instance moved from an earlier version), with `migratedFrom` on
 *   `Journey Entered`.
 * - `event`/`segment` inputs are first checked against the goals, then the exit criteria, whatever
 *   the instance is doing: a match ends it at once (`completed`/`exited`, `cancel-timer`,
 *   `Journey Exited`). Otherwise they can complete a `wait-for`.
 * - `timer` inputs complete the wait of their node; a timer of another node, or (given `at`) of
 *   another due time, is stale and ignored.
 * - `message` inputs carry a sent message's result to the node waiting on it.
 * - Inputs an instance is not waiting for, and every input to an ended instance, change nothing:
 *   the same state comes back, with no effects.
 *
 * @throws ConfigError when the definition points at a node it lacks, or a state is stepped with a
 *   definition it was not started from: validation and versioning rule both out; and when a
 *   `migrate` input names a node the definition lacks (`publish` checks migration maps).
 * @example
 * ```ts
 * const entered = stepInstance(definition, startInstance(definition, start), { type: 'enter' }, now, context);
 * entered.effects; // Journey Entered, Journey Step, send, Journey Step, timer...
 * const later = stepInstance(definition, entered.state, { type: 'timer', node: 'wait-1' }, now + DAY, context);
 * ```
 */
export function stepInstance(
  definition: JourneyDefinition,
  state: InstanceState,
  input: StepInput,
  now: number,
  context: StepContext,
  options: StepOptions = {},
): StepResult {
  if (state.status === 'completed' || state.status === 'exited') return unchanged(state);
  const effects: StepEffect[] = [];
  const run: Run = {
    definition,
    context,
    now,
    maxTransitions: options.maxTransitions ?? defaultMaxTransitions(definition),
    state,
    effects,
  };
  if (input.type === 'enter' || input.type === 'migrate') {
    // Only a new instance enters; a redelivered enter finds it already waiting or ended.
    if (state.status !== 'active') return unchanged(state);
    if (input.type === 'enter') {
      effects.push(journeyEvent(state, 'Journey Entered'));
      runNodes(run, definition.start, null);
    } else {
      effects.push(journeyEvent(state, 'Journey Entered', { migratedFrom: input.from }));
      runNodes(run, input.node, null);
    }
    return { state: run.state, effects };
  }
  if (state.status === 'active') return unchanged(state);
  if (input.type === 'event' || input.type === 'segment') {
    const outcome = endingOutcome(definition, state, input, now);
    if (outcome !== undefined) return { state: endInstance(state, outcome, effects), effects };
  }
  resumeWaiting(run, input);
  return run.state === state ? unchanged(state) : { state: run.state, effects };
}

function unchanged(state: InstanceState): StepResult {
  return { state, effects: [] };
}
