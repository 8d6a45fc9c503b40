import type { Storage } from '@cx/core';
import { assertWorkspaceId } from '@cx/core';
import type { AssignmentContext, AssignmentResult, CompiledExperiment } from './assign';
import { attributeValueString } from './sticky-bucket-types';
import { type StickyBucketStore, storageStickyBuckets } from './sticky-buckets';

/** Options for {@link createStickyAssigner}. */
export interface StickyAssignerOptions {
  storage: Storage;
  workspaceId: string;
}

/** Assigns users with sticky bucketing backed by storage. */
export interface StickyAssigner {
  readonly store: StickyBucketStore;
  /**
   * Loads the user's sticky documents, assigns, and saves the document when it changed. Once
   * assigned, a user keeps their variation when weights, coverage or targeting change later;
   * bump `bucketVersion` to re-randomise.
   */
  assign<T>(
    experiment: CompiledExperiment<T>,
    context: Omit<AssignmentContext, 'stickyBucketing' | 'stickyBucketAssignmentDocs'>,
  ): Promise<AssignmentResult<T>>;
}

/**
 * Sticky bucketing over the storage port, GrowthBook-compatible: documents are keyed
 * `attribute||value` and hold `experimentKey__bucketVersion → variation key`, as GrowthBook's
 * sticky bucket services store them. Sticky bucketing needs `meta[i].key` on the experiment's
 * variations (as in GrowthBook).
 *
 * @example
 * ```ts
 * const sticky = createStickyAssigner({ storage, workspaceId: 'acme' });
 * const result = await sticky.assign(compiled, { attributes: { id: 'u1' } });
 * ```
 */
export function createStickyAssigner(options: StickyAssignerOptions): StickyAssigner {
  assertWorkspaceId(options.workspaceId);
  const store = storageStickyBuckets(options.storage, options.workspaceId);
  return {
    store,
    async assign(experiment, context) {
      const config = experiment.config;
      const identifiers: Record<string, string> = {};
      for (const name of [config.hashAttribute || 'id', config.fallbackAttribute || 'id']) {
        const value = context.attributes[name];
        if (value) identifiers[name] = attributeValueString(value);
      }
      const docs = await store.getAllAssignments(identifiers);
      const result = experiment.assign({
        ...context,
        stickyBucketing: true,
        stickyBucketAssignmentDocs: docs,
      });
      if (result.stickyBucketDoc) await store.saveAssignments(result.stickyBucketDoc);
      return result;
    },
  };
}
