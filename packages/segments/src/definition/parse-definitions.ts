import { parseOrThrow, ValidationError, type ValidationIssue } from '@cx/core';
import { type ComputedTraitDefinition, computedTraitSchema } from './computed-trait-schema';
import { type SegmentDefinition, type SegmentNode, segmentDefinitionSchema } from './segment-schema';

/**
 * Validates one segment definition on its own (shape, operators, windows).
 *
 * @throws `ValidationError` naming each bad path: `node.nodes[1].window.last.amount: A duration must be longer than zero`.
 */
export function parseSegmentDefinition(input: unknown): SegmentDefinition {
  return parseOrThrow(segmentDefinitionSchema, input, 'segment definition') as SegmentDefinition;
}

/** Validates one computed-trait definition. @throws `ValidationError` with paths. */
export function parseComputedTrait(input: unknown): ComputedTraitDefinition {
  return parseOrThrow(computedTraitSchema, input, 'computed trait') as ComputedTraitDefinition;
}

/** Every node of a tree with its path, depth first. */
export function* walkNodes(node: SegmentNode, path = 'node'): Generator<[SegmentNode, string]> {
  yield [node, path];
  if (node.type === 'and' || node.type === 'or') {
    for (const [index, child] of node.nodes.entries()) yield* walkNodes(child, `${path}.nodes[${index}]`);
  } else if (node.type === 'not') {
    yield* walkNodes(node.node, `${path}.node`);
  }
}

/** The segments a definition refers to directly. */
export function referencedSegments(definition: SegmentDefinition): string[] {
  const out = new Set<string>();
  for (const [node] of walkNodes(definition.node)) if (node.type === 'inSegment') out.add(node.segment);
  return [...out];
}

/**
 * Checks a whole set of definitions together: every `inSegment` names a segment of the set,
 * every `computed` node a computed trait, and no segment depends on itself through others.
 * Returns the segments in dependency order (a segment after those it refers to).
 *
 * @throws `ValidationError` with the path of each bad reference, or the cycle (`a → b → a`).
 */
export function orderDefinitions(
  segments: readonly SegmentDefinition[],
  computedTraits: readonly ComputedTraitDefinition[],
): SegmentDefinition[] {
  const byId = new Map(segments.map((segment) => [segment.id, segment]));
  const traitIds = new Set(computedTraits.map((trait) => trait.id));
  const issues: ValidationIssue[] = [];
  for (const segment of segments) {
    for (const [node, path] of walkNodes(segment.node)) {
      if (node.type === 'inSegment' && !byId.has(node.segment)) {
        issues.push({
          path: `${segment.id}.${path}.segment`,
          code: 'unknown_segment',
          message: `No segment ${node.segment}`,
        });
      }
      if (node.type === 'computed' && !traitIds.has(node.trait)) {
        issues.push({
          path: `${segment.id}.${path}.trait`,
          code: 'unknown_trait',
          message: `No computed trait ${node.trait}`,
        });
      }
    }
  }
  if (issues.length > 0)
    throw new ValidationError(
      `Invalid segment definitions: ${issues[0]!.path}: ${issues[0]!.message}`,
      issues,
    );
  const ordered: SegmentDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]) => {
    const seen = state.get(id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id].join(' → ');
      throw new ValidationError(`Invalid segment definitions: ${id} refers to itself through ${cycle}`, [
        { path: `${id}.node`, code: 'segment_cycle', message: `Cycle ${cycle}` },
      ]);
    }
    state.set(id, 'visiting');
    const definition = byId.get(id)!;
    for (const next of referencedSegments(definition)) visit(next, [...trail, id]);
    state.set(id, 'done');
    ordered.push(definition);
  };
  for (const segment of segments) visit(segment.id, []);
  return ordered;
}
