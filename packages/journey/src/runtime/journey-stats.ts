import type { Page, Storage, StoredDocument } from '@cx/core';
import type { JourneyDefinition } from '../definition/journey-types';
import { JOURNEY_COLLECTIONS, type StoredInstance, versionInstances, versionPrefix } from './journey-store';
import { VERSION_MIGRATED_EXIT } from './migration';

/** What happened at one node of a version. */
export interface NodeStats {
  /** Instances that reached the node (each counted once, however often it looped there). */
  entered: number;
  /** Of those, the ones not at the node now: they moved on or ended there. */
  left: number;
  /** Instances waiting at the node now. */
  waiting: number;
  /** Instances that reached a goal after passing the node. */
  converted: number;
  /**
   * Instances that ended at the node without a goal (an exit node, an exit criterion, a failure),
   * except those moved to a newer version (`version-migrated`): they went on there.
   */
  dropOff: number;
}

/** Analytics of one version of a journey. */
export interface JourneyStats {
  journeyId: string;
  version: number;
  instances: { total: number; running: number; completed: number; exited: number };
  /** Every node of the definition, zeros included. */
  nodes: Record<string, NodeStats>;
  /** Instances that reached each goal. */
  goals: Record<string, number>;
  /**
   * Exited instances by outcome id: exit nodes, exit criteria, `loop-guard`, `message-failed`,
   * `version-replaced`, `version-migrated`.
   */
  exits: Record<string, number>;
  /** Completed (a goal reached) over all instances; 0 without instances. */
  conversionRate: number;
}

/** One person waiting at a node. */
export interface NodeMember {
  instanceId: string;
  profileId: string;
  /** When the instance reached the node. */
  since: number;
}

/**
 * Counts a version's nodes, goals and outcomes from its instance documents. Computing rather than
 * keeping counters means no document every step of every instance contends on, and numbers that
 * always match the instances; the price is a scan of the version's instances per call (O(n)
 * reads), which suits dashboards that refresh every few seconds, not per-request use.
 *
 * @example
 * ```ts
 * const stats = await journeyStats(storage, 'acme', definition, 3);
 * stats.nodes['wait-order'].waiting; // people waiting there now
 * ```
 */
export async function journeyStats(
  storage: Storage,
  workspaceId: string,
  definition: JourneyDefinition,
  version: number,
): Promise<JourneyStats> {
  const nodes: Record<string, NodeStats> = {};
  for (const node of definition.nodes)
    nodes[node.id] = { entered: 0, left: 0, waiting: 0, converted: 0, dropOff: 0 };
  const goals: Record<string, number> = {};
  for (const goal of definition.goals ?? []) goals[goal.id] = 0;
  const instances = { total: 0, running: 0, completed: 0, exited: 0 };
  const exits: Record<string, number> = {};
  for await (const { value } of versionInstances(storage, workspaceId, definition.id, version)) {
    const state = value.state;
    instances.total += 1;
    const running = state.status === 'active' || state.status === 'waiting';
    if (running) instances.running += 1;
    else if (state.status === 'completed') instances.completed += 1;
    else instances.exited += 1;
    if (state.status === 'completed' && state.outcome)
      goals[state.outcome.id] = (goals[state.outcome.id] ?? 0) + 1;
    if (state.status === 'exited' && state.outcome)
      exits[state.outcome.id] = (exits[state.outcome.id] ?? 0) + 1;
    for (const id of new Set(state.path.map((step) => step.node))) {
      const stats = nodes[id];
      if (!stats) continue;
      stats.entered += 1;
      if (running && state.node === id) stats.waiting += 1;
      else stats.left += 1;
      if (state.status === 'completed') stats.converted += 1;
    }
    const last = nodes[state.node];
    if (state.status === 'exited' && last && state.outcome?.id !== VERSION_MIGRATED_EXIT) last.dropOff += 1;
  }
  return {
    journeyId: definition.id,
    version,
    instances,
    nodes,
    goals,
    exits,
    conversionRate: instances.total === 0 ? 0 : instances.completed / instances.total,
  };
}

/**
 * The people waiting at a node of a version now, a page at a time (in instance id order). Like
 * {@link journeyStats} it scans the version's instances; `cursor` resumes the scan.
 *
 * @example
 * ```ts
 * const { items, nextCursor } = await nodeMembers(storage, 'acme', 'abandoned-cart', 3, 'wait-order', { limit: 50 });
 * ```
 */
export async function nodeMembers(
  storage: Storage,
  workspaceId: string,
  journeyId: string,
  version: number,
  node: string,
  query: { limit?: number; cursor?: string | null } = {},
): Promise<Page<NodeMember>> {
  const limit = query.limit ?? 100;
  const items: NodeMember[] = [];
  let cursor = query.cursor ?? null;
  do {
    const page: Page<StoredDocument<StoredInstance>> = await storage.documents.list<StoredInstance>(
      workspaceId,
      JOURNEY_COLLECTIONS.instances,
      {
        prefix: versionPrefix(journeyId, version),
        // Never more documents than places left, so the page holds at most `limit` members.
        limit: limit - items.length,
        cursor,
      },
    );
    for (const document of page.items) {
      const state = document.value.state;
      if ((state.status === 'waiting' || state.status === 'active') && state.node === node) {
        items.push({
          instanceId: state.id,
          profileId: state.profileId,
          since: state.path.at(-1)?.at ?? state.enteredAt,
        });
      }
    }
    cursor = page.nextCursor;
  } while (cursor && items.length < limit);
  return { items, nextCursor: cursor };
}
