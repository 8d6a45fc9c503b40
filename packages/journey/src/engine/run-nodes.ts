import { executeNode } from './execute-node';
import { endInstance } from './instance-transitions';
import { journeyEvent } from './journey-events';
import { requireNode } from './node-lookup';
import type { Run } from './run-context';

/**
 * The outcome id of an instance ended by the loop guard (outcome kind `exit`).
 *
 * @example
 * ```ts
 * if (state.outcome?.id === LOOP_GUARD_ID) console.warn('journey loops without a wait', state.node);
 * ```
 */
export const LOOP_GUARD_ID = 'loop-guard';

/**
 * The default loop guard limit: 100 nodes per step, or the number of nodes when larger, so a
 * journey without a cycle (which enters each node at most once per step) never reaches it.
 *
 * @example
 * ```ts
 * defaultMaxTransitions(definition); // 100 for a journey of up to 100 nodes
 * ```
 */
export function defaultMaxTransitions(definition: { nodes: readonly unknown[] }): number {
  return Math.max(100, definition.nodes.length);
}

/**
 * Runs the instance from `first` through every node that completes at once, until one waits or
 * the instance ends. Each node entered appends to `path` and emits `Journey Step` (`from` is the
 * node before, `null` at the start).
 *
 * The loop guard: a cycle of nodes that never wait (branch → update-trait → branch...) would run
 * forever, or until the runtime's job timed out and retried it, forever again. After
 * `run.maxTransitions` nodes the run is discarded, effects included, so a looping definition
 * sends nothing, and the instance is ended as it stood before the run: `exited`, outcome
 * `{ kind: 'exit', id: 'loop-guard' }`, with `Journey Exited`. Ending rather than throwing keeps
 * one person's data-dependent loop from wedging the runtime's queue, and shows up in analytics.
 *
 * @example
 * ```ts
 * runNodes(run, definition.start, null); // run.state is now waiting, completed or exited
 * ```
 */
export function runNodes(run: Run, first: string, from: string | null): void {
  const before = { ...run.state, status: 'active' as const, waiting: null };
  const effectCount = run.effects.length;
  run.state = before;
  let current = first;
  let previous = from;
  for (let transitions = 0; ; transitions++) {
    if (transitions >= run.maxTransitions) {
      run.effects.length = effectCount;
      run.state = endInstance(before, { kind: 'exit', id: LOOP_GUARD_ID, at: run.now }, run.effects);
      return;
    }
    const node = requireNode(run.definition, current);
    run.state = { ...run.state, node: current, path: [...run.state.path, { node: current, at: run.now }] };
    run.effects.push(journeyEvent(run.state, 'Journey Step', { node: current, from: previous }));
    const next = executeNode(run, node);
    if (next === null) return;
    previous = current;
    current = next;
  }
}
