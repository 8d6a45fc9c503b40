import { NotFoundError, type Page, type Storage, type StoredDocument } from '@cx/core';
import type { JourneyDefinition } from '../definition/journey-types';
import { type CurrentVersion, JOURNEY_COLLECTIONS, type StoredVersion } from './journey-store';

/** A journey version, with its definition. */
export interface LoadedVersion {
  definition: JourneyDefinition;
  version: number;
}

/** Reads published versions, each once: a version never changes after it is published. */
export interface DefinitionCache {
  /** One version's definition. @throws `NotFoundError` when it was never published. */
  version(journeyId: string, version: number): Promise<JourneyDefinition>;
  /** The current version of every journey (one list read; the definitions come from the cache). */
  current(): Promise<LoadedVersion[]>;
  /** One journey's current version (its pointer read now, the definition from the cache), or `null`. */
  currentOf(journeyId: string): Promise<LoadedVersion | null>;
}

/**
 * A cache of published versions. Only the current pointers are read again (once per call of
 * `current`), so a version published by another process is picked up at the next page.
 *
 * @example
 * ```ts
 * const cache = definitionCache(storage, 'acme');
 * const definition = await cache.version('abandoned-cart', 2);
 * ```
 */
export function definitionCache(storage: Storage, workspaceId: string): DefinitionCache {
  const versions = new Map<string, Promise<JourneyDefinition>>();
  const version = (journeyId: string, number: number) => {
    const key = `${journeyId}@${number}`;
    let loaded = versions.get(key);
    if (!loaded) {
      loaded = storage.documents
        .get<StoredVersion>(workspaceId, JOURNEY_COLLECTIONS.definitions, key)
        .then((stored) => {
          if (!stored) throw new NotFoundError(`journey ${key} was never published`);
          return stored.value.definition;
        });
      // A failed read is not cached: the next call reads again.
      loaded.catch(() => versions.delete(key));
      versions.set(key, loaded);
    }
    return loaded;
  };
  return {
    version,
    async currentOf(journeyId) {
      const current = await storage.documents.get<CurrentVersion>(
        workspaceId,
        JOURNEY_COLLECTIONS.current,
        journeyId,
      );
      if (!current) return null;
      return { definition: await version(journeyId, current.value.version), version: current.value.version };
    },
    async current() {
      const loaded: LoadedVersion[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<StoredDocument<CurrentVersion>> = await storage.documents.list<CurrentVersion>(
          workspaceId,
          JOURNEY_COLLECTIONS.current,
          {
            limit: 500,
            cursor,
          },
        );
        for (const document of page.items) {
          loaded.push({
            definition: await version(document.key, document.value.version),
            version: document.value.version,
          });
        }
        cursor = page.nextCursor;
      } while (cursor);
      return loaded;
    },
  };
}
