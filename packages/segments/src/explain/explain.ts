import { NotFoundError, type Storage } from '@cx/core';
import type { SegmentNode } from '../definition/segment-schema';
import type { CompiledNode, CompiledSegment } from '../engine/compile-segment';
import { emptyProfileState, PROFILE_STATE, type ProfileSegmentState } from '../engine/profile-state';
import type { SegmentEngine } from '../engine/segment-engine';
import { leafContext, leafStates } from '../engine/segment-model';

/** One node of an explanation: whether it held, and for leaves the values it looked at. */
export interface ExplainedNode {
  /** The node's path in the definition: `node.nodes[1]`. */
  path: string;
  type: SegmentNode['type'];
  held: boolean;
  /** For leaves: what was seen (counts, times, traits, the latest event's properties). */
  seen?: Record<string, unknown>;
  children?: ExplainedNode[];
}

/** Why a profile is or is not in a segment, now. */
export interface Explanation {
  segmentId: string;
  profileId: string;
  at: string;
  member: boolean;
  /** The tree, with the values each leaf saw. */
  root: ExplainedNode;
}

/**
 * Explains a profile's membership of a live segment: every condition, whether it held and the
 * values seen, evaluated from the engine's own state at the engine's `now`.
 *
 * @throws `NotFoundError` for a segment that is not live.
 */
export async function explain(
  engine: SegmentEngine,
  profileId: string,
  segmentId: string,
): Promise<Explanation> {
  const { live } = await engine.models();
  const segment = live.segments.find((s) => s.definition.id === segmentId);
  if (!segment) throw new NotFoundError(`No live segment ${segmentId}`);
  const storage: Storage = engine.storage;
  const doc = await storage.documents.get<ProfileSegmentState | null>(
    engine.workspaceId,
    PROFILE_STATE,
    profileId,
  );
  const state = doc?.value ?? emptyProfileState();
  const profile = segment.usesTraits ? await storage.profiles.get(engine.workspaceId, profileId) : null;
  const now = engine.clock.now();
  const context = leafContext(live, state, profileId, profile?.traits ?? {}, now);
  const states = leafStates(state, segment);
  const walk = (node: CompiledNode, definition: SegmentNode, path: string): ExplainedNode => {
    if (node.kind === 'leaf') {
      const leaf = segment.leaves[node.index]!;
      const leafState = states[node.index] ?? undefined;
      return {
        path,
        type: definition.type,
        held: leaf.holds(leafState, context),
        seen: leaf.seen(leafState, context),
      };
    }
    if (node.kind === 'not') {
      const child = walk(
        node.child,
        (definition as Extract<SegmentNode, { type: 'not' }>).node,
        `${path}.node`,
      );
      return { path, type: 'not', held: !child.held, children: [child] };
    }
    const nodes = (definition as Extract<SegmentNode, { type: 'and' | 'or' }>).nodes;
    const children = node.children.map((child, index) =>
      walk(child, nodes[index]!, `${path}.nodes[${index}]`),
    );
    const held = node.kind === 'and' ? children.every((c) => c.held) : children.some((c) => c.held);
    return { path, type: node.kind, held, children };
  };
  const root = walk(segment.root, segment.definition.node, 'node');
  return { segmentId, profileId, at: new Date(now).toISOString(), member: root.held, root };
}

export type { CompiledSegment };
