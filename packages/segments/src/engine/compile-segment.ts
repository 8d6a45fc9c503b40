import type { SegmentDefinition, SegmentNode } from '../definition/segment-schema';
import { firstLastLeaf } from './leaves/first-last-leaf';
import type { Leaf, LeafContext } from './leaves/leaf';
import { performedLeaf } from './leaves/performed-leaf';
import { sequenceLeaf } from './leaves/sequence-leaf';
import { bucketLeaf, computedLeaf, inSegmentLeaf, traitLeaf } from './leaves/simple-leaves';

/** A definition's tree with its leaves numbered: leaf `i`'s state is kept under key `${segment}#${i}`. */
export type CompiledNode =
  | { kind: 'and' | 'or'; children: CompiledNode[] }
  | { kind: 'not'; child: CompiledNode }
  | { kind: 'leaf'; index: number };

/** A segment ready to run: its leaves, what they listen to, and its tree. */
export interface CompiledSegment {
  definition: SegmentDefinition;
  /** Changes whenever the definition does: leaf states of another version are not reused. */
  version: string;
  root: CompiledNode;
  leaves: Leaf[];
  /** Event names that change some leaf's state. */
  events: ReadonlySet<string>;
  usesTraits: boolean;
  /** Segments and computed traits it reads. */
  segments: ReadonlySet<string>;
  computedTraits: ReadonlySet<string>;
  /** The same, as arrays, for the hot path. */
  segmentList: readonly string[];
  computedTraitList: readonly string[];
}

function leafOf(node: SegmentNode): Leaf {
  switch (node.type) {
    case 'trait':
      return traitLeaf(node) as Leaf;
    case 'performed':
    case 'notPerformed':
      return performedLeaf(node) as Leaf;
    case 'firstPerformed':
    case 'lastPerformed':
      return firstLastLeaf(node) as Leaf;
    case 'sequence':
      return sequenceLeaf(node) as Leaf;
    case 'inSegment':
      return inSegmentLeaf(node) as Leaf;
    case 'bucket':
      return bucketLeaf(node) as Leaf;
    case 'computed':
      return computedLeaf(node) as Leaf;
    default:
      throw new Error(`not a leaf: ${node.type}`);
  }
}

/** Compiles a validated definition; `version` is the stored definition's version. */
export function compileSegment(definition: SegmentDefinition, version: string): CompiledSegment {
  const leaves: Leaf[] = [];
  const events = new Set<string>();
  const segments = new Set<string>();
  const computedTraits = new Set<string>();
  const build = (node: SegmentNode): CompiledNode => {
    if (node.type === 'and' || node.type === 'or')
      return { kind: node.type, children: node.nodes.map(build) };
    if (node.type === 'not') return { kind: 'not', child: build(node.node) };
    const leaf = leafOf(node);
    for (const name of leaf.events ?? []) events.add(name);
    if (node.type === 'inSegment') segments.add(node.segment);
    if (node.type === 'computed') computedTraits.add(node.trait);
    leaves.push(leaf);
    return { kind: 'leaf', index: leaves.length - 1 };
  };
  const root = build(definition.node);
  return {
    definition,
    version,
    root,
    leaves,
    events,
    usesTraits: leaves.some((leaf) => leaf.usesTraits),
    segments,
    computedTraits,
    segmentList: [...segments],
    computedTraitList: [...computedTraits],
  };
}

/** Whether the tree holds, given each leaf's state. */
export function evaluateNode(
  node: CompiledNode,
  segment: CompiledSegment,
  states: readonly unknown[],
  context: LeafContext,
): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => evaluateNode(child, segment, states, context));
    case 'or':
      return node.children.some((child) => evaluateNode(child, segment, states, context));
    case 'not':
      return !evaluateNode(node.child, segment, states, context);
    case 'leaf':
      return segment.leaves[node.index]!.holds(states[node.index] ?? undefined, context);
  }
}
