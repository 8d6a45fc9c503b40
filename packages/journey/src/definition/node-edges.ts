import type { JourneyNode } from './journey-types';

/** One transition out of a node. */
export interface NodeEdge {
  /** The node it leads to. */
  target: string;
  /** Where the target is written, relative to the node: `next`, `branches[1].next`, `on.opened.next`. */
  path: string;
  /**
   * True when following it takes time: the node waits first (a wait, a wait-for, a message
   * waiting for its result). A loop made only of edges that do not wait would spin at once.
   */
  waits: boolean;
}

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every transition out of a node, in the order it is written. Reads the node defensively (a
 * target that is not a string is skipped, any object is accepted), so graph checks can run on a
 * definition that fails its schema elsewhere and report every problem in one pass.
 *
 * @example
 * ```ts
 * nodeEdges({ type: 'wait-for', id: 'w', until: { kind: 'event', event: 'Order Completed' },
 *   timeout: { days: 1 }, next: 'done', onTimeout: 'email' });
 * // [{ target: 'done', path: 'next', waits: true }, { target: 'email', path: 'onTimeout', waits: true }]
 * ```
 */
export function nodeEdges(node: JourneyNode | Record<string, unknown>): NodeEdge[] {
  if (!isObject(node)) return [];
  const edges: NodeEdge[] = [];
  const add = (value: unknown, path: string, waits: boolean) => {
    if (typeof value === 'string') edges.push({ target: value, path, waits });
  };
  switch (node.type) {
    case 'wait':
    case 'wait-until-time':
      add(node.next, 'next', true);
      break;
    case 'wait-until-trait':
      add(node.next, 'next', true);
      // A missing trait moves on at once, without waiting.
      add(node.onMissing, 'onMissing', false);
      break;
    case 'wait-for':
      add(node.next, 'next', true);
      add(node.onTimeout, 'onTimeout', true);
      break;
    case 'branch':
      if (Array.isArray(node.branches)) {
        for (const [index, branch] of node.branches.entries()) {
          if (isObject(branch)) add(branch.next, `branches[${index}].next`, false);
        }
      }
      add(node.otherwise, 'otherwise', false);
      break;
    case 'random-split':
      if (Array.isArray(node.paths)) {
        for (const [index, path] of node.paths.entries()) {
          if (isObject(path)) add(path.next, `paths[${index}].next`, false);
        }
      }
      break;
    case 'experiment-split':
      if (isObject(node.variations)) {
        for (const [variation, next] of Object.entries(node.variations)) {
          add(next, `variations.${variation}`, false);
        }
      }
      add(node.otherwise, 'otherwise', false);
      break;
    case 'message': {
      // With `on`, the instance waits for the message's result before any transition.
      const waits = isObject(node.on) && Object.keys(node.on).length > 0;
      add(node.next, 'next', waits);
      if (isObject(node.on)) {
        add(node.on.sent, 'on.sent', true);
        add(node.on.failed, 'on.failed', true);
        if (isObject(node.on.opened)) add(node.on.opened.next, 'on.opened.next', true);
        if (isObject(node.on.clicked)) add(node.on.clicked.next, 'on.clicked.next', true);
      }
      break;
    }
    case 'update-trait':
    case 'webhook':
      add(node.next, 'next', false);
      break;
    case 'exit':
      break;
    default:
      // An unknown type (the schema reports it): follow its `next`, if any, so one typo does not
      // also make every later node unreachable; count it as waiting, so it cannot close a loop.
      add(node.next, 'next', true);
      break;
  }
  return edges;
}
