import { ConfigError } from '@cx/core';
import type {
  BranchNode,
  BranchTest,
  ExperimentSplitNode,
  JourneyNode,
  RandomSplitNode,
  WebhookNode,
} from '../definition/journey-types';
import { readDataEntry, withDataEntry } from './instance-data';
import { endInstance } from './instance-transitions';
import { testCondition } from './match-condition';
import { runMessage } from './message-node';
import { messageKey } from './message-waits';
import type { Run } from './run-context';
import { pickWeighted, splitBucket, splitSeed } from './split-hash';
import { runWait, runWaitFor, runWaitUntilTime, runWaitUntilTrait } from './wait-nodes';

/**
 * Runs one node the instance has just entered: its effects, its data, and where it leads. Returns
 * the next node when the node completes at once, or `null` when the instance now waits or ended.
 *
 * @example
 * ```ts
 * executeNode(run, { type: 'update-trait', id: 'tag', set: { abandoned: true }, next: 'email' }); // 'email'
 * ```
 */
export function executeNode(run: Run, node: JourneyNode): string | null {
  switch (node.type) {
    case 'wait':
      return runWait(run, node);
    case 'wait-until-time':
      return runWaitUntilTime(run, node);
    case 'wait-until-trait':
      return runWaitUntilTrait(run, node);
    case 'wait-for':
      return runWaitFor(run, node);
    case 'branch':
      return runBranch(run, node);
    case 'random-split':
      return runRandomSplit(run, node);
    case 'experiment-split':
      return runExperimentSplit(run, node);
    case 'message':
      return runMessage(run, node);
    case 'update-trait':
      run.effects.push({ type: 'update-traits', node: node.id, set: node.set });
      return node.next;
    case 'webhook':
      return runWebhook(run, node);
    case 'exit':
      run.state = endInstance(run.state, { kind: 'exit-node', id: node.id, at: run.now }, run.effects);
      return null;
  }
}

/**
 * `webhook`: a `webhook` effect keyed like a send (`#2`, `#3`... on later visits, counted in
 * `data.webhooks[node]`), so each visit is its own call and a step run twice is still one; on to
 * `next` at once, without waiting for the response.
 */
function runWebhook(run: Run, node: WebhookNode): string {
  const before = readDataEntry(run.state, 'webhooks', node.id);
  const visits = (typeof before === 'number' ? before : 0) + 1;
  run.effects.push({
    type: 'webhook',
    node: node.id,
    key: messageKey(run.state.id, node.id, visits),
    url: node.url,
    body: node.body ?? {},
  });
  run.state = withDataEntry(run.state, 'webhooks', node.id, visits);
  return node.next;
}

/** The first branch whose test holds, else `otherwise`. */
function runBranch(run: Run, node: BranchNode): string {
  for (const branch of node.branches) {
    if (branchHolds(run, branch.when)) return branch.next;
  }
  return node.otherwise;
}

function branchHolds(run: Run, test: BranchTest): boolean {
  if ('condition' in test) {
    const scope = { traits: run.context.traits, entry: run.state.entry, data: run.state.data };
    return testCondition(test.condition, scope, run.now);
  }
  if ('inSegment' in test) return run.context.segments.has(test.inSegment);
  return !run.context.segments.has(test.notInSegment);
}

/** A weighted path by the profile's hash; the chosen next node is kept in `data.splits[node]`. */
function runRandomSplit(run: Run, node: RandomSplitNode): string {
  const bucket = splitBucket(splitSeed(run.definition.id, node), run.state.profileId);
  const path = pickWeighted(node.paths, bucket);
  if (path === undefined) {
    throw new ConfigError(
      `journey '${run.definition.id}': random-split '${node.id}' has no path with a weight`,
    );
  }
  run.state = withDataEntry(run.state, 'splits', node.id, path.next);
  return path.next;
}

/**
 * The path of the person's variation; holdout (`null`) or a variation without a path goes to
 * `otherwise`. The variation (or `null`) is kept in `data.experiments[experiment]`, for templates
 * and for attributing conversions.
 */
function runExperimentSplit(run: Run, node: ExperimentSplitNode): string {
  const variation = run.context.assignVariation(node.experiment);
  run.state = withDataEntry(run.state, 'experiments', node.experiment, variation);
  if (variation !== null && Object.hasOwn(node.variations, variation)) {
    return node.variations[variation] as string;
  }
  return node.otherwise;
}
