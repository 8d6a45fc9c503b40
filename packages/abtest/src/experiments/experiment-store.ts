import { assertWorkspaceId, NotFoundError, type Storage, type StoredDocument } from '@cx/core';
import { defineExperiment, type ExperimentDefinition, type ExperimentInput } from './experiment-definition';

/** The document collection holding experiment definitions. */
export const EXPERIMENT_COLLECTION = 'abtest.experiments';

/**
 * Saves a definition (validated by {@link defineExperiment}). Pass `expectedVersion` to update
 * only if nobody else changed it since it was read (`0`: only if new).
 *
 * @throws `ValidationError` for an invalid definition; `ConflictError` on a stale `expectedVersion`.
 */
export async function saveExperiment(
  storage: Storage,
  workspaceId: string,
  input: ExperimentInput,
  expectedVersion?: number,
): Promise<StoredDocument<ExperimentDefinition>> {
  assertWorkspaceId(workspaceId);
  const definition = defineExperiment(input);
  return storage.documents.put(workspaceId, {
    collection: EXPERIMENT_COLLECTION,
    key: definition.key,
    value: definition,
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  });
}

/**
 * Loads a definition.
 *
 * @throws `NotFoundError` when there is none with this key.
 */
export async function loadExperiment(
  storage: Storage,
  workspaceId: string,
  key: string,
): Promise<ExperimentDefinition> {
  assertWorkspaceId(workspaceId);
  const doc = await storage.documents.get<ExperimentDefinition>(workspaceId, EXPERIMENT_COLLECTION, key);
  if (!doc) throw new NotFoundError(`No experiment ${key}`);
  return doc.value;
}
