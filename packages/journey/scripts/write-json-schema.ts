import { writeFileSync } from 'node:fs';
import { journeyDefinitionJsonSchema } from '../src/definition';

/* Writes the published JSON Schema; a test checks the file matches the zod schema. */
const dir = new URL('../schema/', import.meta.url);
writeFileSync(
  new URL('journey-definition.schema.json', dir),
  `${JSON.stringify(journeyDefinitionJsonSchema(), null, 2)}\n`,
);
