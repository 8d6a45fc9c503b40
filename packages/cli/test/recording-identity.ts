import { memoryStorage } from '@cx/core';
import { createIdentity } from '@cx/identity';
import type { ImportIdentity } from '../src';

/**
 * The real identity service on memory storage, wrapped to record each batch it is given, so
 * tests can see what the importer sent and when.
 */
export function recordingIdentity(options: { onIngest?: (batch: readonly unknown[]) => void } = {}) {
  const storage = memoryStorage();
  const real = createIdentity({ storage });
  const batches: unknown[][] = [];
  const identity: ImportIdentity = {
    ingest(workspaceId, events, ingestOptions) {
      options.onIngest?.(events);
      batches.push([...events]);
      return real.ingest(workspaceId, events, ingestOptions);
    },
  };
  return { identity, real, storage, batches, calls: () => batches.flat() as Record<string, unknown>[] };
}
