import { parseOrThrow, ValidationError } from '@cx/core';
import { type CompiledCondition, compileCondition, type SavedGroups } from '@cx/core/conditions';
import { chooseVariation, getBucketRanges, inRange, type VariationRange } from './bucket-ranges';
import { type ExperimentConfig, experimentConfigSchema } from './experiment-config';
import { FNV_OFFSET_BASIS, fnv1a32Continue, hash, hashV1, hashV2 } from './hash';
import { inNamespace } from './namespaces';
import {
  attributeValueString,
  type StickyAssignmentsDocument,
  stickyAttributeKey,
  stickyExperimentKey,
} from './sticky-bucket-types';

/** Who is being assigned: their attributes and GrowthBook's per-user switches. */
export interface AssignmentContext {
  /** The user's attributes: the hash attribute (`id` by default) and whatever the condition reads. */
  attributes: Record<string, unknown>;
  /** The current URL: `?<experiment key>=<index>` forces a variation, as in GrowthBook. */
  url?: string;
  /** Forced variation index by experiment key (QA, previews). */
  forcedVariations?: Record<string, number>;
  /** Turns sticky bucketing on: earlier assignments are kept even if weights or targeting change. */
  stickyBucketing?: boolean;
  /** Sticky bucket documents already loaded for this user, by {@link stickyAttributeKey}. */
  stickyBucketAssignmentDocs?: Record<string, StickyAssignmentsDocument>;
  /** QA mode: nobody is assigned by hashing. */
  qaMode?: boolean;
  /** `false` turns every experiment off for this user. */
  enabled?: boolean;
}

/** Why a user got the result they got. */
export type AssignmentReason =
  | 'assigned'
  | 'sticky-bucket'
  | 'too-few-variations'
  | 'disabled'
  | 'forced-by-url'
  | 'forced-by-context'
  | 'inactive'
  | 'missing-hash-attribute'
  | 'filtered-out'
  | 'namespace'
  | 'condition'
  | 'invalid-hash-version'
  | 'bucket-version-blocked'
  | 'coverage'
  | 'forced-by-experiment'
  | 'qa-mode'
  | 'stopped';

/**
 * The outcome of one assignment, with GrowthBook's `Result` fields (same names and meanings)
 * plus the reason and, when sticky bucketing changed something, the document to save.
 */
export interface AssignmentResult<T = unknown> {
  /** Whether the user is in the experiment; when not, `variationId` is 0 (control is served). */
  inExperiment: boolean;
  variationId: number;
  /** The variation's meta key, or its index as a string. */
  key: string;
  value: T;
  name?: string;
  /** True when the variation came from hashing (not forced). */
  hashUsed: boolean;
  hashAttribute: string;
  hashValue: unknown;
  /** The user's hash in [0, 1), when hashing decided. */
  bucket?: number;
  stickyBucketUsed: boolean;
  passthrough?: boolean;
  reason: AssignmentReason;
  /** Present when the user's sticky bucket document changed and should be saved. */
  stickyBucketDoc?: StickyAssignmentsDocument;
}

/** Options for {@link compileExperiment}. */
export interface CompileExperimentOptions {
  /** Saved groups for `$inGroup`, `$notInGroup` and `$savedGroup` in the condition. */
  savedGroups?: SavedGroups;
}

/** An experiment prepared for fast, repeated assignment. */
export interface CompiledExperiment<T = unknown> {
  readonly config: Readonly<ExperimentConfig<T>>;
  /** The precomputed bucket ranges. */
  readonly ranges: readonly VariationRange[];
  /** Assigns one user; pure and synchronous. */
  assign(context: AssignmentContext): AssignmentResult<T>;
}

/**
 * Prepares an experiment for assignment: validates its shape, compiles the targeting
 * condition, precomputes the bucket ranges and the hash state of the seed. `assign` then
 * follows GrowthBook's `runExperiment` step by step (URL and context overrides, activity,
 * hash attribute with fallback, sticky buckets, filters or namespace, condition, hashing,
 * coverage, forced variation, QA mode, stopped status), so the same user gets the same
 * variation as from a GrowthBook SDK. Not supported: `urlPatterns`, `parentConditions`,
 * `include` callbacks and the deprecated `url`/`groups` fields (the schema rejects them).
 *
 * @throws `ValidationError` when the experiment is malformed (e.g. a condition with an unknown operator).
 * @example
 * ```ts
 * const checkout = compileExperiment({
 *   key: 'checkout-button',
 *   variations: ['blue', 'green', 'red'],
 *   hashVersion: 2,
 *   condition: { country: { $in: ['VN', 'TH'] } },
 *   namespace: ['checkout', 0, 0.5],
 * });
 * const result = checkout.assign({ attributes: { id: 'user-42', country: 'VN' } });
 * if (result.inExperiment) console.log(result.value);
 * ```
 */
export function compileExperiment<T>(
  experiment: ExperimentConfig<T>,
  options: CompileExperimentOptions = {},
): CompiledExperiment<T> {
  parseOrThrow(experimentConfigSchema, experiment, 'experiment');
  const config = experiment;
  const key = config.key;
  const variations = config.variations;
  const numVariations = variations.length;
  const savedGroups = options.savedGroups;
  const hashAttributeName = config.hashAttribute || 'id';
  const fallbackAttributeName = config.fallbackAttribute;
  const stickyAllowed = !config.disableStickyBucketing;
  const seed = config.seed || key;
  const hashVersion = config.hashVersion || 1;
  const seedState = fnv1a32Continue(FNV_OFFSET_BASIS, seed);
  const ranges = config.ranges || getBucketRanges(numVariations, config.coverage ?? 1, config.weights);
  const condition: CompiledCondition | null = config.condition ? compileCondition(config.condition) : null;
  const namespace = config.namespace;
  const filters = config.filters;
  const hasForce = 'force' in config;
  const inactive = config.status === 'draft' || config.active === false;
  const stopped = config.status === 'stopped';
  const meta = config.meta ?? [];
  const stickyKey = stickyExperimentKey(key, config.bucketVersion);
  const minBucketVersion = config.minBucketVersion || 0;

  const hashOf = (value: string): number | null =>
    hashVersion === 2 ? hashV2(seedState, value) : hashVersion === 1 ? hashV1(value, seed) : null;

  function result(
    hashAttribute: string,
    hashValue: unknown,
    index: number,
    hashUsed: boolean,
    reason: AssignmentReason,
    bucket?: number,
    stickyBucketUsed = false,
  ): AssignmentResult<T> {
    let variationId = index;
    let inExperiment = true;
    if (variationId < 0 || variationId >= numVariations) {
      variationId = 0;
      inExperiment = false;
    }
    const variationMeta = meta[variationId];
    const out: AssignmentResult<T> = {
      inExperiment,
      variationId,
      key: variationMeta?.key || String(variationId),
      value: variations[variationId] as T,
      hashUsed,
      hashAttribute,
      hashValue,
      stickyBucketUsed,
      reason,
    };
    if (variationMeta?.name) out.name = variationMeta.name;
    if (bucket !== undefined) out.bucket = bucket;
    if (variationMeta?.passthrough) out.passthrough = variationMeta.passthrough;
    return out;
  }

  function assign(context: AssignmentContext): AssignmentResult<T> {
    const attributes = context?.attributes;
    if (typeof attributes !== 'object' || attributes === null) {
      throw new ValidationError('Invalid assignment context: attributes must be an object', [
        { path: 'attributes', message: 'Expected an object', code: 'invalid_type' },
      ]);
    }
    const sticky = context.stickyBucketing === true && stickyAllowed;
    // GrowthBook's getHashAttribute: the first truthy of the attribute and (with sticky bucketing) the fallback.
    let hashAttribute = hashAttributeName;
    let hashValue: unknown = attributes[hashAttributeName] || '';
    if (!hashValue && sticky && fallbackAttributeName) {
      const fallback = attributes[fallbackAttributeName];
      if (fallback) {
        hashValue = fallback;
        hashAttribute = fallbackAttributeName;
      }
    }
    const done = (index: number, reason: AssignmentReason, hashUsed = false) =>
      result(hashAttribute, hashValue, index, hashUsed, reason);

    if (numVariations < 2) return done(-1, 'too-few-variations');
    if (context.enabled === false) return done(-1, 'disabled');
    const fromUrl = context.url ? queryStringOverride(key, context.url, numVariations) : null;
    if (fromUrl !== null) return done(fromUrl, 'forced-by-url');
    const forced = context.forcedVariations;
    if (forced && key in forced) return done(forced[key] as number, 'forced-by-context');
    if (inactive) return done(-1, 'inactive');
    if (!hashValue) return done(-1, 'missing-hash-attribute');
    const hashText = String(hashValue);

    let assigned = -1;
    let foundSticky = false;
    let versionBlocked = false;
    if (sticky) {
      const assignments = stickyAssignments(attributes, context.stickyBucketAssignmentDocs);
      for (let version = 0; version < minBucketVersion; version++) {
        if (assignments[stickyExperimentKey(key, version)] !== undefined) versionBlocked = true;
      }
      if (!versionBlocked) {
        const stored = assignments[stickyKey];
        if (stored !== undefined) {
          assigned = meta.findIndex((m) => m.key === stored);
          foundSticky = assigned >= 0;
        }
      }
    }

    if (!foundSticky) {
      if (filters) {
        if (isFilteredOut(filters, attributes)) return done(-1, 'filtered-out');
      } else if (namespace && !inNamespace(hashText, namespace)) {
        return done(-1, 'namespace');
      }
      if (condition && !condition(attributes, savedGroups)) return done(-1, 'condition');
    }

    const n = hashOf(hashText);
    if (n === null) return done(-1, 'invalid-hash-version');
    if (!foundSticky) assigned = chooseVariation(n, ranges);
    if (versionBlocked) {
      return result(hashAttribute, hashValue, -1, false, 'bucket-version-blocked', undefined, true);
    }
    if (assigned < 0) return done(-1, 'coverage');
    if (hasForce) return done(config.force === undefined ? -1 : config.force, 'forced-by-experiment');
    if (context.qaMode) return done(-1, 'qa-mode');
    if (stopped) return done(-1, 'stopped');

    const out = result(
      hashAttribute,
      hashValue,
      assigned,
      true,
      foundSticky ? 'sticky-bucket' : 'assigned',
      n,
      foundSticky,
    );
    if (sticky) {
      const doc = nextStickyDoc(context, hashAttribute, attributeValueString(hashValue), out.key);
      if (doc) out.stickyBucketDoc = doc;
    }
    return out;
  }

  function stickyAssignments(
    attributes: Record<string, unknown>,
    docs: Record<string, StickyAssignmentsDocument> | undefined,
  ): Record<string, string> {
    if (!docs) return {};
    const own = attributes[hashAttributeName] || '';
    const hashKey = stickyAttributeKey(hashAttributeName, attributeValueString(own));
    // GrowthBook looks the fallback up with `id` when no fallback attribute is configured.
    const fallbackName = fallbackAttributeName || 'id';
    const fallbackValue = attributes[fallbackName] || '';
    const fallbackKey = fallbackValue
      ? stickyAttributeKey(fallbackName, attributeValueString(fallbackValue))
      : null;
    const merged: Record<string, string> = {};
    if (fallbackKey && docs[fallbackKey]) Object.assign(merged, docs[fallbackKey].assignments || {});
    if (docs[hashKey]) Object.assign(merged, docs[hashKey].assignments || {});
    return merged;
  }

  function nextStickyDoc(
    context: AssignmentContext,
    attributeName: string,
    attributeValue: string,
    variationKey: string,
  ): StickyAssignmentsDocument | null {
    const docKey = stickyAttributeKey(attributeName, attributeValue);
    const existing = context.stickyBucketAssignmentDocs?.[docKey]?.assignments || {};
    const assignments = { ...existing, [stickyKey]: variationKey };
    if (JSON.stringify(existing) === JSON.stringify(assignments)) return null;
    return { attributeName, attributeValue, assignments };
  }

  return { config, ranges, assign };
}

function isFilteredOut(
  filters: NonNullable<ExperimentConfig['filters']>,
  attributes: Record<string, unknown>,
): boolean {
  return filters.some((filter) => {
    const value = attributes[filter.attribute || 'id'] || '';
    if (!value) return true;
    const n = hash(filter.seed, String(value), filter.hashVersion || 2);
    if (n === null) return true;
    return !filter.ranges.some((range) => inRange(n, range));
  });
}

/** GrowthBook's `getQueryStringOverride`: `?<key>=<index>` in the URL forces a variation. */
export function queryStringOverride(key: string, url: string, numVariations: number): number | null {
  const search = url.split('?')[1];
  if (!search) return null;
  const match = search
    .replace(/#.*/, '')
    .split('&')
    .map((pair) => pair.split('=', 2))
    .filter(([name]) => name === key)
    // biome-ignore lint/correctness/useParseIntRadix: GrowthBook calls parseInt without a radix ("0x1" is 1)
    .map(([, value]) => Number.parseInt(value as string));
  const first = match[0];
  if (first !== undefined && first >= 0 && first < numVariations) return first;
  return null;
}

/**
 * Assigns one user to one experiment without keeping the compiled form. For many users,
 * {@link compileExperiment} once and call `assign` on it.
 *
 * @example
 * ```ts
 * assignVariation({ key: 'hero', variations: ['a', 'b'] }, { attributes: { id: 'u1' } }).variationId;
 * ```
 */
export function assignVariation<T>(
  experiment: ExperimentConfig<T>,
  context: AssignmentContext,
  options?: CompileExperimentOptions,
): AssignmentResult<T> {
  return compileExperiment(experiment, options).assign(context);
}
