import { ConfigError } from '@cx/core';
import type { JourneyNode, MessageNode } from '../definition/journey-types';
import { readMessageRecord, withDataEntry } from './instance-data';
import { hasTimer } from './instance-transitions';
import { matchesJourneyCondition } from './match-condition';
import { decideMessageResult, messageWindowNext } from './message-waits';
import { requireNode } from './node-lookup';
import type { Run } from './run-context';
import { runNodes } from './run-nodes';
import type { StepInput, Waiting } from './step-types';

/**
 * Applies an input to a waiting instance: the timer it waits for, the event or segment change of
 * its wait-for, or its message's result moves it on; anything else (a stale timer, an unrelated
 * event, another message's result) leaves `run` as it was, without effects. Goals and exit
 * criteria are the caller's, checked before this.
 *
 * @example
 * ```ts
 * resumeWaiting(run, { type: 'timer', node: 'wait-1' }); // runs from the wait's `next`
 * ```
 */
export function resumeWaiting(run: Run, input: Exclude<StepInput, { type: 'enter' | 'migrate' }>): void {
  const waiting = run.state.waiting;
  if (waiting === null) return;
  if (input.type === 'timer') {
    const next = timerNext(run, waiting, input);
    if (next !== undefined) moveOn(run, waiting, next, true);
  } else if (input.type === 'message') {
    if (waiting.kind === 'message' && input.messageId === waiting.messageId)
      onMessage(run, waiting, input.outcome);
  } else if (
    waiting.kind === 'condition' &&
    matchesJourneyCondition(waiting.condition, input, run.state.correlation, run.now)
  ) {
    // Keep what the awaited event said, so later branches can test it (`data.events.<node>.score`).
    if (input.type === 'event') {
      run.state = withDataEntry(run.state, 'events', waiting.node, {
        name: input.name,
        properties: input.properties,
      });
    }
    moveOn(run, waiting, waitForNode(run, waiting).next, false);
  }
}

/** Where the timer leads, or `undefined` when it is not the timer this wait set. */
function timerNext(
  run: Run,
  waiting: Waiting,
  input: Extract<StepInput, { type: 'timer' }>,
): string | undefined {
  const due = waiting.kind === 'timer' ? waiting.at : waiting.timeoutAt;
  // Another node's timer, or an earlier visit's timer of this node redelivered: not this wait's.
  if (input.node !== waiting.node || due === null) return undefined;
  if (input.at !== undefined && input.at !== due) return undefined;
  switch (waiting.kind) {
    case 'timer':
      return timerNodeNext(run, waiting);
    case 'condition':
      return waitForNode(run, waiting).onTimeout;
    case 'message': {
      const node = messageNode(run, waiting);
      const record = readMessageRecord(run.state, node.id);
      return record === undefined ? node.next : messageWindowNext(node, record);
    }
  }
}

function onMessage(
  run: Run,
  waiting: Extract<Waiting, { kind: 'message' }>,
  outcome: 'sent' | 'failed' | 'opened' | 'clicked',
): void {
  const node = messageNode(run, waiting);
  const record = readMessageRecord(run.state, node.id);
  if (record === undefined) return;
  const decision = decideMessageResult(node, record, outcome, run.now, waiting.timeoutAt);
  if (decision.kind === 'ignore') return;
  run.state = withDataEntry(run.state, 'messages', node.id, decision.record);
  if (decision.kind === 'go') {
    moveOn(run, waiting, decision.next, false);
  } else if (decision.timeoutAt !== undefined) {
    run.state = { ...run.state, waiting: { ...waiting, timeoutAt: decision.timeoutAt } };
    run.effects.push({ type: 'timer', at: decision.timeoutAt, node: node.id });
  }
}

/** Leaves the wait for `next`, cancelling its timer unless the timer is what fired. */
function moveOn(run: Run, waiting: Waiting, next: string, timerFired: boolean): void {
  if (!timerFired && hasTimer(waiting)) run.effects.push({ type: 'cancel-timer' });
  runNodes(run, next, waiting.node);
}

function timerNodeNext(run: Run, waiting: Waiting): string {
  const node = requireNode(run.definition, waiting.node);
  if (node.type === 'wait' || node.type === 'wait-until-time' || node.type === 'wait-until-trait')
    return node.next;
  throw mismatch(run, node, waiting);
}

function waitForNode(run: Run, waiting: Waiting) {
  const node = requireNode(run.definition, waiting.node);
  if (node.type === 'wait-for') return node;
  throw mismatch(run, node, waiting);
}

function messageNode(run: Run, waiting: Waiting): MessageNode {
  const node = requireNode(run.definition, waiting.node);
  if (node.type === 'message') return node;
  throw mismatch(run, node, waiting);
}

// A version's definition never changes under its instances, so this is a state stepped with the
// wrong definition (another version's): going on would run the wrong journey.
function mismatch(run: Run, node: JourneyNode, waiting: Waiting): ConfigError {
  return new ConfigError(
    `instance '${run.state.id}' waits (${waiting.kind}) at '${node.id}', a ${node.type} node in journey '${run.definition.id}'`,
  );
}
