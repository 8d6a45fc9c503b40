import { templateDefinitionSchema } from '@cx/channels';
import { conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';
import { journeyConditionSchema, namedConditionSchema } from './condition-schemas';
import { durationSchema, positiveDurationSchema, traitOffsetSchema } from './duration';
import { journeyEntrySchema } from './entry-schemas';
import { journeyDefinitionSchema } from './journey-schema';
import { branchTestSchema, journeyNodeSchema, NODE_SCHEMAS, templateRefSchema } from './node-schemas';

/*
 * Conditions are checked by core's strict condition walker, not by zod types, so the schema leaves
 * them open (`{}`), as @cx/segments does: a JSON editor validates the shape, cx validates the
 * operators, the graph and the templates.
 *
 * Names and notes for the JSON Schema live in a registry of this module rather than in zod's
 * global one, so importing the package registers nothing globally.
 */

type JsonSchemaMeta = { id?: string; title?: string; description?: string; [key: string]: unknown };

let registry: z.core.$ZodRegistry<JsonSchemaMeta> | undefined;

function metadata(): z.core.$ZodRegistry<JsonSchemaMeta> {
  if (registry !== undefined) return registry;
  registry = z.registry<JsonSchemaMeta>();
  registry.add(journeyDefinitionSchema, {
    title: 'cx journey definition',
    description:
      'A journey of @cx/journey. The schema checks the shape; validateJourney() also checks targets, loops, exits, correlation keys and templates.',
  });
  registry.add(journeyEntrySchema, { id: 'JourneyEntry' });
  registry.add(journeyNodeSchema, { id: 'JourneyNode' });
  for (const [id, schema] of Object.entries(NODE_SCHEMAS)) registry.add(schema, { id });
  // One key of three: the zod schema says it with a refinement, JSON Schema with a count.
  registry.add(branchTestSchema, { id: 'BranchTest', minProperties: 1, maxProperties: 1 });
  registry.add(journeyConditionSchema, { id: 'JourneyCondition' });
  registry.add(namedConditionSchema, { id: 'NamedCondition' });
  registry.add(durationSchema, { id: 'Duration' });
  registry.add(positiveDurationSchema, {
    id: 'PositiveDuration',
    description: 'A duration longer than zero: days, hours, minutes and seconds, added up.',
  });
  registry.add(traitOffsetSchema, { id: 'TraitOffset' });
  registry.add(templateDefinitionSchema, { id: 'TemplateDefinition' });
  registry.add(templateRefSchema, {
    id: 'TemplateRef',
    description: 'A template id (looked up in the template store at send) or an inline template.',
  });
  registry.add(conditionSchema, {
    description:
      'A condition of @cx/core/conditions (MongoDB-style operators over dot paths), checked strictly by cx.',
  });
  return registry;
}

/**
 * The JSON Schema (draft 2020-12) of a journey definition's JSON form, for editors and other
 * languages; published as `@cx/journey/schema/journey-definition.schema.json`. It describes the
 * shape; {@link validateJourney} checks the rest (targets, loops, exits, correlation, templates).
 *
 * @example
 * ```ts
 * const schema = journeyDefinitionJsonSchema();
 * schema.required; // ['id', 'entry', 'start', 'nodes']
 * ```
 */
export function journeyDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(journeyDefinitionSchema, {
    unrepresentable: 'any',
    io: 'input',
    metadata: metadata(),
  }) as Record<string, unknown>;
}
