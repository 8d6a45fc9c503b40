import { writeFileSync } from 'node:fs';
import { computedTraitJsonSchema, segmentDefinitionJsonSchema } from '../src';

/* Writes the published JSON Schemas; a test checks the files match the zod schemas. */
const dir = new URL('../schema/', import.meta.url);
writeFileSync(
  new URL('segment-definition.schema.json', dir),
  `${JSON.stringify(segmentDefinitionJsonSchema(), null, 2)}\n`,
);
writeFileSync(
  new URL('computed-trait.schema.json', dir),
  `${JSON.stringify(computedTraitJsonSchema(), null, 2)}\n`,
);
