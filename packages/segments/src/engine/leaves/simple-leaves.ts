import { createHash } from 'node:crypto';
import { compileCondition, conditionTimeBoundary } from '@cx/core/conditions';
import type { SegmentNode } from '../../definition/segment-schema';
import { valueTestCondition } from '../../definition/value-test';
import type { Leaf } from './leaf';

/** The profile's traits match a condition; date operators such as `$withinLast` set a boundary. */
export function traitLeaf(node: Extract<SegmentNode, { type: 'trait' }>): Leaf<never> {
  const test = compileCondition(node.condition);
  return {
    node,
    usesTraits: true,
    holds: (_state, context) => test(context.traits, {}, context.now),
    boundary: (_state, context) => conditionTimeBoundary(node.condition, context.traits, context.now),
    seen: (_state, context) => ({ traits: pickPaths(context.traits, Object.keys(node.condition)) }),
  };
}

/** The traits a condition names at its top level, for explain. */
function pickPaths(traits: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key.startsWith('$')) return traits;
    out[key] = key
      .split('.')
      .reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], traits);
  }
  return out;
}

/** A member of another segment, as evaluated just before (definitions run in dependency order). */
export function inSegmentLeaf(node: Extract<SegmentNode, { type: 'inSegment' }>): Leaf<never> {
  return {
    node,
    holds: (_state, context) => context.members[node.segment] !== undefined,
    seen: (_state, context) => ({ member: context.members[node.segment] !== undefined }),
  };
}

/**
 * The profile's bucket, 0 to 9,999: the first 32 bits of MD5(`salt:profileId`) modulo 10,000.
 * MD5 because PostgreSQL computes the same value in SQL; it only spreads ids, it protects nothing.
 */
export function profileBucket(profileId: string, salt = ''): number {
  const digest = createHash('md5').update(`${salt}:${profileId}`).digest();
  return digest.readUInt32BE(0) % 10_000;
}

/** A deterministic random `[from, to)` percent of profiles (holdouts, samples). */
export function bucketLeaf(node: Extract<SegmentNode, { type: 'bucket' }>): Leaf<never> {
  const from = Math.round(node.from * 100);
  const to = Math.round(node.to * 100);
  return {
    node,
    holds: (_state, context) => {
      const bucket = profileBucket(context.profileId, node.salt);
      return bucket >= from && bucket < to;
    },
    seen: (_state, context) => ({ bucket: profileBucket(context.profileId, node.salt) / 100 }),
  };
}

/** A computed trait's value passes a test. */
export function computedLeaf(node: Extract<SegmentNode, { type: 'computed' }>): Leaf<never> {
  const test = compileCondition(valueTestCondition(node.test));
  return {
    node,
    holds: (_state, context) => test({ value: context.computed(node.trait) }, {}, context.now),
    seen: (_state, context) => ({ value: context.computed(node.trait) }),
  };
}
