import { isCxError, type Storage } from '@cx/core';
import {
  type StickyAssignmentsDocument,
  type StickyAttributeKey,
  stickyAttributeKey,
} from './sticky-bucket-types';

/** The document collection holding sticky bucket assignments. */
export const STICKY_BUCKET_COLLECTION = 'abtest.sticky-buckets';

/** How many times a save retries after losing a compare-and-set race. */
const MAX_SAVE_ATTEMPTS = 8;

/**
 * Where sticky bucket documents live: GrowthBook's `StickyBucketService` contract (load every
 * document of a user, save one) over any cx storage adapter.
 */
export interface StickyBucketStore {
  /** Documents of the given identifiers (`{ id: 'u1', deviceId: 'd9' }`), by sticky attribute key. */
  getAllAssignments(
    attributes: Record<string, string>,
  ): Promise<Record<StickyAttributeKey, StickyAssignmentsDocument>>;
  /** Merges a document's assignments into the stored one. */
  saveAssignments(doc: StickyAssignmentsDocument): Promise<void>;
}

/**
 * Sticky buckets in the storage port's document store (collection `abtest.sticky-buckets`,
 * keyed `attribute||value`). Saves merge into what is stored with a compare-and-set, so two
 * servers assigning the same user to two experiments at once both keep their entry.
 *
 * @example
 * ```ts
 * const sticky = storageStickyBuckets(memoryStorage(), 'acme');
 * await sticky.saveAssignments({ attributeName: 'id', attributeValue: 'u1', assignments: { hero__0: '1' } });
 * ```
 */
export function storageStickyBuckets(storage: Storage, workspaceId: string): StickyBucketStore {
  const documents = storage.documents;
  return {
    async getAllAssignments(attributes) {
      const keys = Object.entries(attributes)
        .filter(([, value]) => value !== '')
        .map(([name, value]) => stickyAttributeKey(name, value));
      if (keys.length === 0) return {};
      const found = await documents.getMany<StickyAssignmentsDocument>(
        workspaceId,
        STICKY_BUCKET_COLLECTION,
        keys,
      );
      const out: Record<StickyAttributeKey, StickyAssignmentsDocument> = {};
      for (const doc of found) out[doc.key] = doc.value;
      return out;
    },
    async saveAssignments(doc) {
      const key = stickyAttributeKey(doc.attributeName, doc.attributeValue);
      for (let attempt = 1; ; attempt++) {
        const current = await documents.get<StickyAssignmentsDocument>(
          workspaceId,
          STICKY_BUCKET_COLLECTION,
          key,
        );
        const value: StickyAssignmentsDocument = {
          ...doc,
          assignments: { ...(current?.value.assignments ?? {}), ...doc.assignments },
        };
        try {
          await documents.put(workspaceId, {
            collection: STICKY_BUCKET_COLLECTION,
            key,
            value,
            expectedVersion: current?.version ?? 0,
          });
          return;
        } catch (error) {
          if (!isCxError(error, 'CONFLICT') || attempt >= MAX_SAVE_ATTEMPTS) throw error;
        }
      }
    },
  };
}
