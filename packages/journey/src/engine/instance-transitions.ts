import { journeyEvent } from './journey-events';
import type { InstanceOutcome, InstanceState, StepEffect, Waiting } from './step-types';

/**
 * True when what the instance waits for has a timer behind it, which must be cancelled when the
 * instance leaves the wait by another way than the timer itself.
 *
 * @example
 * ```ts
 * hasTimer({ kind: 'message', node: 'email', messageId: 'i1/email', timeoutAt: null }); // false
 * ```
 */
export function hasTimer(waiting: Waiting | null): boolean {
  if (waiting === null) return false;
  if (waiting.kind === 'message') return waiting.timeoutAt !== null;
  return true;
}

/**
 * The instance waiting at its node: status `waiting`, and a `timer` effect appended when the
 * wait has a due time (a message awaiting only `sent`/`failed` has none).
 *
 * @example
 * ```ts
 * const effects: StepEffect[] = [];
 * startWaiting(state, { kind: 'timer', node: 'wait-1', at: now + 86_400_000 }, effects);
 * effects; // [{ type: 'timer', at: now + 86_400_000, node: 'wait-1' }]
 * ```
 */
export function startWaiting(state: InstanceState, waiting: Waiting, effects: StepEffect[]): InstanceState {
  const at = waiting.kind === 'timer' ? waiting.at : waiting.timeoutAt;
  if (at !== null) effects.push({ type: 'timer', at, node: waiting.node });
  return { ...state, status: 'waiting', waiting };
}

/**
 * Ends an instance: `completed` for a goal, `exited` otherwise. Appends `cancel-timer` when it was
 * waiting on a timer, then `Journey Exited` with the reason (`goal`, `exit`, `exit-node`), the
 * criterion or node id as `outcomeId`, and the node it ended at.
 *
 * @example
 * ```ts
 * const effects: StepEffect[] = [];
 * const ended = endInstance(state, { kind: 'goal', id: 'ordered', at: now }, effects);
 * ended.status; // 'completed'
 * ```
 */
export function endInstance(
  state: InstanceState,
  outcome: InstanceOutcome,
  effects: StepEffect[],
): InstanceState {
  if (hasTimer(state.waiting)) effects.push({ type: 'cancel-timer' });
  const ended: InstanceState = {
    ...state,
    status: outcome.kind === 'goal' ? 'completed' : 'exited',
    waiting: null,
    outcome,
  };
  effects.push(
    journeyEvent(ended, 'Journey Exited', { node: ended.node, reason: outcome.kind, outcomeId: outcome.id }),
  );
  return ended;
}
