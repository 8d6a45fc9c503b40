import type { JourneyIssue } from './journey-issue';
import { type NodeEdge, nodeEdges } from './node-edges';

/*
 * The checks that need the whole graph: ids, targets, reachability, loops that never wait, and
 * whether every node can still reach an exit. They read the definition defensively, so they run
 * (and report) even when some node fails its schema.
 */

interface GraphNode {
  index: number;
  id: string;
  type: unknown;
  edges: NodeEdge[];
}

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const at = (node: GraphNode, path?: string) =>
  path === undefined ? `nodes[${node.index}]` : `nodes[${node.index}].${path}`;

/** The nodes with a string id; the first of several nodes sharing an id stands for that id. */
function readNodes(
  definition: Loose,
  issues: JourneyIssue[],
): { all: GraphNode[]; byId: Map<string, GraphNode> } {
  const all: GraphNode[] = [];
  const byId = new Map<string, GraphNode>();
  if (!Array.isArray(definition.nodes)) return { all, byId };
  for (const [index, raw] of definition.nodes.entries()) {
    if (!isObject(raw) || typeof raw.id !== 'string') continue;
    const node: GraphNode = { index, id: raw.id, type: raw.type, edges: nodeEdges(raw) };
    all.push(node);
    const first = byId.get(node.id);
    if (first === undefined) byId.set(node.id, node);
    else {
      issues.push({
        path: at(node, 'id'),
        code: 'duplicate_id',
        message: `node id ${node.id} is already used by nodes[${first.index}]`,
        node: node.id,
      });
    }
  }
  return { all, byId };
}

/** Ids reachable from `from`, following every edge forwards. */
function reachable(from: Iterable<string>, byId: Map<string, GraphNode>): Set<string> {
  const seen = new Set<string>();
  const queue = [...from].filter((id) => byId.has(id));
  for (const id of queue) seen.add(id);
  while (queue.length > 0) {
    const node = byId.get(queue.shift() as string) as GraphNode;
    for (const edge of node.edges) {
      if (byId.has(edge.target) && !seen.has(edge.target)) {
        seen.add(edge.target);
        queue.push(edge.target);
      }
    }
  }
  return seen;
}

/** Ids from which some node of `to` can be reached. */
function reaching(to: Iterable<string>, byId: Map<string, GraphNode>): Set<string> {
  const incoming = new Map<string, string[]>();
  for (const node of byId.values()) {
    for (const edge of node.edges) {
      if (!byId.has(edge.target)) continue;
      const list = incoming.get(edge.target) ?? [];
      list.push(node.id);
      incoming.set(edge.target, list);
    }
  }
  const seen = new Set(to);
  const queue = [...seen];
  while (queue.length > 0) {
    for (const from of incoming.get(queue.shift() as string) ?? []) {
      if (!seen.has(from)) {
        seen.add(from);
        queue.push(from);
      }
    }
  }
  return seen;
}

/** Strongly connected components of the graph of edges that do not wait (Tarjan). */
function instantComponents(byId: Map<string, GraphNode>): GraphNode[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: GraphNode[] = [];
  const components: GraphNode[][] = [];
  let counter = 0;
  const visit = (node: GraphNode) => {
    index.set(node.id, counter);
    low.set(node.id, counter);
    counter++;
    stack.push(node);
    onStack.add(node.id);
    for (const edge of node.edges) {
      const next = edge.waits ? undefined : byId.get(edge.target);
      if (next === undefined) continue;
      if (!index.has(next.id)) {
        visit(next);
        low.set(node.id, Math.min(low.get(node.id) as number, low.get(next.id) as number));
      } else if (onStack.has(next.id)) {
        low.set(node.id, Math.min(low.get(node.id) as number, index.get(next.id) as number));
      }
    }
    if (low.get(node.id) === index.get(node.id)) {
      const component: GraphNode[] = [];
      let member: GraphNode;
      do {
        member = stack.pop() as GraphNode;
        onStack.delete(member.id);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of byId.values()) if (!index.has(node.id)) visit(node);
  return components;
}

/**
 * One cycle through `first` inside a component, as the nodes in order and the edge that closes
 * it: the shortest one, found breadth first, so the message names as few nodes as possible.
 */
function cycleThrough(
  first: GraphNode,
  members: Set<string>,
  byId: Map<string, GraphNode>,
): { nodes: GraphNode[]; closing: NodeEdge; last: GraphNode } {
  const parent = new Map<string, GraphNode>();
  const queue: GraphNode[] = [first];
  const seen = new Set([first.id]);
  while (queue.length > 0) {
    const node = queue.shift() as GraphNode;
    for (const edge of node.edges) {
      if (edge.waits || !members.has(edge.target)) continue;
      if (edge.target === first.id) {
        const nodes: GraphNode[] = [];
        for (let step: GraphNode | undefined = node; step !== undefined; step = parent.get(step.id)) {
          nodes.unshift(step);
        }
        return { nodes, closing: edge, last: node };
      }
      if (!seen.has(edge.target)) {
        seen.add(edge.target);
        parent.set(edge.target, node);
        queue.push(byId.get(edge.target) as GraphNode);
      }
    }
  }
  throw new Error(`no cycle through ${first.id}`); // unreachable: a component of two or more is a cycle
}

function zeroWaitCycles(byId: Map<string, GraphNode>, issues: JourneyIssue[]): void {
  for (const component of instantComponents(byId)) {
    const only = component[0] as GraphNode;
    const selfLoop =
      component.length === 1 && only.edges.some((edge) => !edge.waits && edge.target === only.id);
    if (component.length === 1 && !selfLoop) continue;
    const first = component.reduce((a, b) => (a.index <= b.index ? a : b));
    const members = new Set(component.map((node) => node.id));
    const cycle = cycleThrough(first, members, byId);
    const names = [...cycle.nodes.map((node) => node.id), first.id].join(' → ');
    issues.push({
      path: at(cycle.last, cycle.closing.path),
      code: 'zero_wait_cycle',
      message: `${names} loops without waiting: put a wait (or a wait-for, or a message waiting for its result) in the loop`,
      node: first.id,
    });
  }
}

/**
 * Graph problems of a journey definition: duplicate node ids, targets (and `start`) that name no
 * node, nodes that cannot be reached from `start`, loops that never wait (named `a → b → a`), a
 * missing or unreachable exit, and nodes from which no exit can be reached. Every problem is
 * reported; `[]` means the graph is sound.
 *
 * @example
 * ```ts
 * graphIssues({ start: 'a', nodes: [{ type: 'update-trait', id: 'a', set: { x: 1 }, next: 'a' }] });
 * // [{ code: 'zero_wait_cycle', path: 'nodes[0].next', message: 'a → a loops without waiting: …' }, { code: 'no_exit', … }]
 * ```
 */
export function graphIssues(definition: unknown): JourneyIssue[] {
  const issues: JourneyIssue[] = [];
  if (!isObject(definition)) return issues;
  const { all, byId } = readNodes(definition, issues);
  if (all.length === 0) return issues;

  const start = typeof definition.start === 'string' ? definition.start : undefined;
  if (start !== undefined && !byId.has(start)) {
    issues.push({ path: 'start', code: 'unknown_node', message: `start names no node: ${start}` });
  }
  for (const node of all) {
    for (const edge of node.edges) {
      if (byId.has(edge.target)) continue;
      issues.push({
        path: at(node, edge.path),
        code: 'unknown_node',
        message: `${node.id} leads to ${edge.target}, which is not a node of the journey`,
        node: node.id,
      });
    }
  }

  zeroWaitCycles(byId, issues);

  const exits = [...byId.values()].filter((node) => node.type === 'exit').map((node) => node.id);
  if (exits.length === 0) {
    issues.push({ path: 'nodes', code: 'no_exit', message: 'The journey has no exit node' });
  }
  // Without a known start, reachability would flag every node: the start issue says it all.
  if (start === undefined || !byId.has(start)) return issues;

  const fromStart = reachable([start], byId);
  for (const node of byId.values()) {
    if (fromStart.has(node.id)) continue;
    issues.push({
      path: at(node),
      code: 'unreachable_node',
      message: `${node.id} cannot be reached from start (${start})`,
      node: node.id,
    });
  }
  if (exits.length === 0) return issues;
  const canExit = reaching(exits, byId);
  if (!canExit.has(start)) {
    issues.push({
      path: 'start',
      code: 'no_exit',
      message: `No exit node can be reached from start (${start})`,
    });
    return issues;
  }
  for (const node of byId.values()) {
    if (!fromStart.has(node.id) || canExit.has(node.id)) continue;
    issues.push({
      path: at(node),
      code: 'no_exit_path',
      message: `No exit can be reached from ${node.id}: an instance there could never end`,
      node: node.id,
    });
  }
  return issues;
}
