import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journeyDefinitionJsonSchema } from '../../src/definition';

describe('journey JSON Schema', () => {
  it('describes the JSON form, with named node definitions', () => {
    const schema = journeyDefinitionJsonSchema() as {
      type?: string;
      required?: string[];
      additionalProperties?: boolean;
      $defs?: Record<string, { oneOf?: unknown[] }>;
    };
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['id', 'entry', 'start', 'nodes']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.$defs ?? {})).toEqual(
      expect.arrayContaining([
        'JourneyNode',
        'WaitNode',
        'WaitForNode',
        'MessageNode',
        'ExitNode',
        'TemplateDefinition',
      ]),
    );
    expect(schema.$defs?.JourneyNode?.oneOf).toHaveLength(11);
  });

  it('is the published file (run `pnpm --filter @cx/journey run schema` after changing the schema)', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../schema/journey-definition.schema.json', import.meta.url), 'utf8'),
    );
    expect(published).toEqual(journeyDefinitionJsonSchema());
  });
});
