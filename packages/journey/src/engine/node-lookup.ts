import { ConfigError } from '@cx/core';
import type { JourneyDefinition, JourneyNode } from '../definition/journey-types';

// A stored definition never changes, so its index is built once per definition object.
const indexes = new WeakMap<JourneyDefinition, ReadonlyMap<string, JourneyNode>>();

/**
 * The node of a definition by id.
 *
 * @throws ConfigError when there is none: validation refuses a definition that points at a
 *   missing node, so this is a definition that skipped it, and no person can go on from there.
 * @example
 * ```ts
 * requireNode(definition, 'email-1').type; // 'message'
 * ```
 */
export function requireNode(definition: JourneyDefinition, id: string): JourneyNode {
  let index = indexes.get(definition);
  if (index === undefined) {
    index = new Map(definition.nodes.map((node) => [node.id, node]));
    indexes.set(definition, index);
  }
  const node = index.get(id);
  if (node === undefined) throw new ConfigError(`journey '${definition.id}' has no node '${id}'`);
  return node;
}
