import { z } from 'zod';
import { computedTraitSchema } from './computed-trait-schema';
import { segmentDefinitionSchema } from './segment-schema';

/*
 * Conditions are checked by the strict condition walker, not by zod types, so the schema leaves
 * them open (`{}`): a JSON editor validates the shape, cx validates the operators.
 */
const options = { unrepresentable: 'any', io: 'input' } as const;

/** The JSON Schema (draft 2020-12) of a segment definition's JSON form, for editors and other languages. */
export function segmentDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(segmentDefinitionSchema, options) as Record<string, unknown>;
}

/** The JSON Schema of a computed trait definition. */
export function computedTraitJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(computedTraitSchema, options) as Record<string, unknown>;
}
