import { readFileSync } from 'node:fs';
import { isCxError, memoryStorage, ValidationError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  computedTraitJsonSchema,
  createSegmentEngine,
  defineSegment,
  inSegment,
  parseSegmentDefinition,
  performed,
  segmentDefinitionJsonSchema,
} from '../src';

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((issue) => issue.path);
  }
  throw new Error('expected a ValidationError');
};

describe('segment definitions', () => {
  it('refuses an unknown operator with its path', () => {
    const paths = issuesOf(() =>
      parseSegmentDefinition({
        id: 'a',
        name: 'A',
        node: { type: 'trait', condition: { age: { $gtee: 3 } } },
      }),
    );
    expect(paths).toEqual(['node.condition.age.$gtee']);
  });

  it('refuses a negative window with its path', () => {
    const paths = issuesOf(() =>
      parseSegmentDefinition({
        id: 'a',
        name: 'A',
        node: {
          type: 'and',
          nodes: [{ type: 'performed', event: 'X', window: { last: { amount: -3, unit: 'days' } } }],
        },
      }),
    );
    expect(paths).toEqual(['node.nodes[0].window.last.amount']);
  });

  it('refuses unknown node types, reversed buckets and ranges', () => {
    expect(
      issuesOf(() => parseSegmentDefinition({ id: 'a', name: 'A', node: { type: 'sometimes' } })),
    ).toEqual(['node.type']);
    expect(
      issuesOf(() =>
        parseSegmentDefinition({ id: 'a', name: 'A', node: { type: 'bucket', from: 50, to: 10 } }),
      ),
    ).toEqual(['node.to']);
    expect(
      issuesOf(() =>
        parseSegmentDefinition({
          id: 'a',
          name: 'A',
          node: {
            type: 'performed',
            event: 'X',
            window: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
          },
        }),
      ),
    ).toEqual(['node.window.to']);
  });

  it('refuses a segment that refers to itself through others, and stores nothing', async () => {
    const storage = memoryStorage();
    const engine = createSegmentEngine({ storage, workspaceId: 'acme' });
    await engine.define(defineSegment({ id: 'a', name: 'A', node: performed('X') }));
    await engine.define(defineSegment({ id: 'b', name: 'B', node: inSegment('a') }));
    await engine.define(defineSegment({ id: 'c', name: 'C', node: inSegment('b') }));
    const before = await engine.list();
    const error = await engine
      .define(defineSegment({ id: 'a', name: 'A', node: inSegment('c') }))
      .catch((e) => e);
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect((error as ValidationError).message).toContain('a → c → b → a');
    const unknown = await engine
      .define(defineSegment({ id: 'd', name: 'D', node: inSegment('nope') }))
      .catch((e) => e);
    expect((unknown as ValidationError).issues[0]!.path).toBe('d.node.segment');
    expect(await engine.list()).toEqual(before);
  });

  it('publishes a JSON Schema that describes the JSON form', () => {
    const schema = segmentDefinitionJsonSchema() as { type?: string; properties?: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(['id', 'name', 'node']));
    expect(JSON.stringify(schema)).toContain('sequence');
  });
});

describe('published JSON Schemas', () => {
  it('match the definition schemas (run `pnpm --filter @cx/segments run schema` after changing them)', () => {
    const read = (name: string) =>
      JSON.parse(readFileSync(new URL(`../schema/${name}`, import.meta.url), 'utf8'));
    expect(read('segment-definition.schema.json')).toEqual(segmentDefinitionJsonSchema());
    expect(read('computed-trait.schema.json')).toEqual(computedTraitJsonSchema());
  });
});

describe('engine options', () => {
  it('refuses bad options with a ConfigError', () => {
    const storage = memoryStorage();
    expect(() => createSegmentEngine({ storage, workspaceId: 'acme', pageSize: 5000 })).toThrowError(
      /pageSize/,
    );
    expect(() => createSegmentEngine({ storage, workspaceId: '' })).toThrow();
  });
});
