import { DEVICES_COLLECTION, PREFERENCES_COLLECTION, TEMPLATES_COLLECTION } from '@cx/channels';
import type { CxEvent, Storage, Traits } from '@cx/core';
import type { JourneyDefinition } from '../definition/journey-types';
import type { SimulationOptions, SimulationSource } from './simulation-types';

/** Profiles per `createMany` call, its limit. */
const PROFILE_BATCH = 1000;
/** Keys per `getMany` call, well under its limit of 10,000. */
const READ_BATCH = 5000;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );

/** The profiles of the history, sorted so the scratch store is filled the same way every run. */
function profileIdsOf(events: readonly CxEvent[], listed: Record<string, Traits> | undefined): string[] {
  const ids = new Set(Object.keys(listed ?? {}));
  for (const event of events) if (event.profileId) ids.add(event.profileId);
  return [...ids].sort();
}

/** Traits per profile: the option's, else the source's, else none. */
async function traitsOf(
  ids: readonly string[],
  listed: Record<string, Traits> | undefined,
  source: SimulationSource | undefined,
): Promise<Map<string, Traits>> {
  const traits = new Map<string, Traits>();
  if (listed) {
    for (const id of ids) traits.set(id, listed[id] ?? {});
    return traits;
  }
  if (source) {
    for (const batch of chunks(ids, READ_BATCH))
      for (const profile of await source.storage.profiles.getMany(source.workspaceId, batch))
        traits.set(profile.id, profile.traits);
  }
  for (const id of ids) if (!traits.has(id)) traits.set(id, {});
  return traits;
}

/** Template ids a message node names (rather than defining the template inline). */
const templateIds = (definition: JourneyDefinition): string[] => [
  ...new Set(
    definition.nodes.flatMap((node) =>
      node.type === 'message'
        ? Object.values(node.templates).filter((each): each is string => typeof each === 'string')
        : [],
    ),
  ),
];

/** Copies a collection's documents with these keys from the source into the scratch storage. */
async function copyDocuments(
  source: SimulationSource,
  scratch: Storage,
  workspaceId: string,
  collection: string,
  keys: readonly string[],
): Promise<void> {
  for (const batch of chunks(keys, READ_BATCH)) {
    const documents = await source.storage.documents.getMany(source.workspaceId, collection, batch);
    for (const document of documents)
      await scratch.documents.put(workspaceId, { collection, key: document.key, value: document.value });
  }
}

/**
 * Fills the scratch storage with what the journey's steps and sends read: the profiles of the
 * history with their traits and, from a source storage, their consent preferences, push devices
 * and the stored templates the journey names. Only reads the source: a simulation never writes
 * to it. Profiles are copied without identifiers, which steps and sends do not read.
 *
 * @example
 * ```ts
 * const profiles = await seedScratch(scratch, 'shop', definition, history.events, options, source);
 * ```
 */
export async function seedScratch(
  scratch: Storage,
  workspaceId: string,
  definition: JourneyDefinition,
  events: readonly CxEvent[],
  options: Pick<SimulationOptions, 'profiles'>,
  source: SimulationSource | undefined,
): Promise<number> {
  const ids = profileIdsOf(events, options.profiles);
  const traits = await traitsOf(ids, options.profiles, source);
  for (const batch of chunks(ids, PROFILE_BATCH))
    await scratch.profiles.createMany(
      workspaceId,
      batch.map((id) => ({ id, traits: traits.get(id) ?? {} })),
    );
  if (source) {
    await copyDocuments(source, scratch, workspaceId, PREFERENCES_COLLECTION, ids);
    await copyDocuments(source, scratch, workspaceId, DEVICES_COLLECTION, ids);
    await copyDocuments(source, scratch, workspaceId, TEMPLATES_COLLECTION, templateIds(definition));
  }
  return ids.length;
}
