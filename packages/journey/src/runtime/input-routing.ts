import type { PutDocumentInput, Storage, StoredDocument } from '@cx/core';
import { journeyInputNames } from '../definition/input-names';
import type { JourneyDefinition } from '../definition/journey-types';
import {
  INPUT_NAMES_KEY,
  type InputNames,
  JOURNEY_COLLECTIONS,
  type JourneyWorkingSet,
  type StoredVersion,
} from './journey-store';

/**
 * The write that adds a new version's input names to the stored union, for the publish commit
 * (fenced by the version read, so two publishes cannot lose each other's names). A database
 * whose versions were published before the union was kept gets it rebuilt from every stored
 * version first.
 *
 * @example
 * ```ts
 * await storage.commit('acme', { documents: [versionDocument, await inputNamesWrite(storage, 'acme', definition)] });
 * ```
 */
export async function inputNamesWrite(
  storage: Storage,
  workspaceId: string,
  definition: JourneyDefinition,
): Promise<PutDocumentInput<InputNames>> {
  const stored = await storage.documents.get<InputNames>(
    workspaceId,
    JOURNEY_COLLECTIONS.inputs,
    INPUT_NAMES_KEY,
  );
  const names = new Set(stored ? stored.value.names : await namesOfEveryVersion(storage, workspaceId));
  for (const name of journeyInputNames(definition)) names.add(name);
  return {
    collection: JOURNEY_COLLECTIONS.inputs,
    key: INPUT_NAMES_KEY,
    value: { names: [...names].sort() },
    expectedVersion: stored?.version ?? 0,
  };
}

async function namesOfEveryVersion(storage: Storage, workspaceId: string): Promise<string[]> {
  const names = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: { items: StoredDocument<StoredVersion>[]; nextCursor: string | null } =
      await storage.documents.list<StoredVersion>(workspaceId, JOURNEY_COLLECTIONS.definitions, {
        limit: 500,
        cursor,
      });
    for (const version of page.items)
      for (const name of journeyInputNames(version.value.definition)) names.add(name);
    cursor = page.nextCursor;
  } while (cursor);
  return [...names];
}

/** Published versions never change: their input names are computed once, not at every page. */
const namesByDefinition = new WeakMap<JourneyDefinition, readonly string[]>();
function inputNamesOf(definition: JourneyDefinition): readonly string[] {
  let names = namesByDefinition.get(definition);
  if (!names) {
    names = journeyInputNames(definition);
    namesByDefinition.set(definition, names);
  }
  return names;
}

/**
 * Whether any journey may react to events of this name: `true` for every name when the union
 * was never stored (nothing published yet, or only before it was kept), or when it lacks a name
 * of a current version (published by a process that does not keep it, during a rolling upgrade).
 */
export async function inputFilter(
  work: JourneyWorkingSet,
  current: readonly { definition: JourneyDefinition }[],
): Promise<(name: string) => boolean> {
  const stored = await work.get<InputNames>(JOURNEY_COLLECTIONS.inputs, INPUT_NAMES_KEY);
  if (!stored) return () => true;
  const names = new Set(stored.names);
  const complete = current.every(({ definition }) =>
    inputNamesOf(definition).every((name) => names.has(name)),
  );
  return complete ? (name) => names.has(name) : () => true;
}
