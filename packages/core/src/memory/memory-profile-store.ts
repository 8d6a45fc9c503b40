import type { Clock } from '../clock/clock';
import { ConflictError, NotFoundError } from '../errors/errors';
import type { IdGenerator } from '../ids/ulid';
import { compareKeys } from '../ports/compare-keys';
import { decodeCursor, encodeCursor } from '../ports/cursor';
import {
  parseCreateProfile,
  parseCreateProfiles,
  parseId,
  parseIdentifiers,
  parseIds,
  parseListQuery,
  parseMergeInput,
  parseMergeInputs,
  parseTraitPatch,
  parseUnmergeInput,
} from '../ports/inputs';
import {
  type Identifier,
  identifierKey,
  type MergeResult,
  type ProfileRecord,
  type ProfileStore,
} from '../ports/profile-store';
import { assertWorkspaceId } from '../workspaces/workspace-id';

interface WorkspaceProfiles {
  profiles: Map<string, ProfileRecord>;
  owners: Map<string, string>;
  /** profile id → ids merged directly into it */
  mergedChildren: Map<string, Set<string>>;
}

/** Records are copied in and out so callers can never change stored state by mutation. */
const copy = (record: ProfileRecord): ProfileRecord => structuredClone(record);

/** Options for {@link memoryProfileStore}. */
export interface MemoryProfileStoreOptions {
  clock: Clock;
  newId: IdGenerator;
}

/** The reference {@link ProfileStore}. */
export function memoryProfileStore({ clock, newId }: MemoryProfileStoreOptions): ProfileStore {
  const workspaces = new Map<string, WorkspaceProfiles>();
  const now = () => new Date(clock.now()).toISOString();

  const spaceOf = (workspaceId: string): WorkspaceProfiles => {
    let space = workspaces.get(workspaceId);
    if (!space) {
      space = { profiles: new Map(), owners: new Map(), mergedChildren: new Map() };
      workspaces.set(workspaceId, space);
    }
    return space;
  };

  const canonical = (space: WorkspaceProfiles, profileId: string, op: string): ProfileRecord => {
    const record = space.profiles.get(profileId);
    if (!record) throw new NotFoundError(`Profile ${profileId} not found`);
    if (record.mergedInto !== null) {
      throw new ConflictError(`Cannot ${op} profile ${profileId}: it was merged into ${record.mergedInto}`);
    }
    return record;
  };

  const assertFree = (
    space: WorkspaceProfiles,
    identifiers: readonly Identifier[],
    profileId: string | null,
  ) => {
    for (const identifier of identifiers) {
      const owner = space.owners.get(identifierKey(identifier));
      if (owner !== undefined && owner !== profileId) {
        throw new ConflictError(`Identifier ${identifierKey(identifier)} already points at profile ${owner}`);
      }
    }
  };

  const touch = (record: ProfileRecord) => {
    record.updatedAt = now();
    record.version += 1;
  };

  const collectMembers = (space: WorkspaceProfiles, profileId: string): string[] => {
    const out: string[] = [];
    const stack = [profileId];
    while (stack.length > 0) {
      const id = stack.pop()!;
      out.push(id);
      for (const child of space.mergedChildren.get(id) ?? []) stack.push(child);
    }
    return out;
  };

  /** Applies one checked merge (see `merge`). */
  const applyMerge = (space: WorkspaceProfiles, parsed: ReturnType<typeof parseMergeInput>): MergeResult => {
    const into = canonical(space, parsed.into, 'merge into');
    const from = canonical(space, parsed.from, 'merge');
    const moved = from.identifiers;
    for (const identifier of moved) space.owners.set(identifierKey(identifier), into.id);
    into.identifiers = [...into.identifiers, ...moved];
    into.traits = parsed.traits ?? { ...from.traits, ...into.traits };
    from.identifiers = [];
    from.mergedInto = into.id;
    const children = space.mergedChildren.get(into.id) ?? new Set<string>();
    children.add(from.id);
    space.mergedChildren.set(into.id, children);
    touch(into);
    touch(from);
    return { into: copy(into), from: copy(from), movedIdentifiers: structuredClone(moved) };
  };

  /** Stores new profiles, each input checked before anything is stored: all or nothing. */
  const insertProfiles = (
    space: ReturnType<typeof spaceOf>,
    parsed: readonly ReturnType<typeof parseCreateProfile>[],
  ): ProfileRecord[] => {
    const ids = parsed.map((input) => input.id ?? newId());
    ids.forEach((id, index) => {
      if (space.profiles.has(id)) throw new ConflictError(`Profile ${id} already exists`);
      assertFree(space, parsed[index]!.identifiers, null);
    });
    const at = now();
    return parsed.map((input, index) => {
      const record: ProfileRecord = {
        id: ids[index]!,
        identifiers: input.identifiers,
        traits: input.traits,
        mergedInto: null,
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
      space.profiles.set(record.id, record);
      for (const identifier of input.identifiers) space.owners.set(identifierKey(identifier), record.id);
      return copy(record);
    });
  };

  return {
    async create(workspaceId, input) {
      const [record] = insertProfiles(spaceOf(workspaceId), [parseCreateProfile(workspaceId, input)]);
      return record!;
    },

    async createMany(workspaceId, inputs) {
      return insertProfiles(spaceOf(workspaceId), parseCreateProfiles(workspaceId, inputs));
    },

    async get(workspaceId, profileId) {
      const id = parseId(workspaceId, profileId, 'profile id');
      const record = workspaces.get(workspaceId)?.profiles.get(id);
      return record ? copy(record) : null;
    },

    async getMany(workspaceId, profileIds) {
      const ids = parseIds(workspaceId, profileIds, 'profile ids');
      const profiles = workspaces.get(workspaceId)?.profiles;
      const out: ProfileRecord[] = [];
      for (const id of new Set(ids)) {
        const record = profiles?.get(id);
        if (record) out.push(copy(record));
      }
      return out;
    },

    async findByIdentifier(workspaceId, identifier) {
      assertWorkspaceId(workspaceId);
      const [parsed] = parseIdentifiers([identifier]);
      const space = workspaces.get(workspaceId);
      const owner = space?.owners.get(identifierKey(parsed!));
      return owner === undefined ? null : copy(space!.profiles.get(owner)!);
    },

    async lookupIdentifiers(workspaceId, identifiers) {
      assertWorkspaceId(workspaceId);
      const parsed = parseIdentifiers(identifiers);
      const space = workspaces.get(workspaceId);
      const found = new Map<string, string>();
      for (const identifier of parsed) {
        const key = identifierKey(identifier);
        const owner = space?.owners.get(key);
        if (owner !== undefined) found.set(key, owner);
      }
      return found;
    },

    async addIdentifiers(workspaceId, profileId, identifiers) {
      const id = parseId(workspaceId, profileId, 'profile id');
      const parsed = parseIdentifiers(identifiers);
      const space = spaceOf(workspaceId);
      const record = canonical(space, id, 'add identifiers to');
      assertFree(space, parsed, id);
      const added = parsed.filter((identifier) => space.owners.get(identifierKey(identifier)) !== id);
      if (added.length === 0) return copy(record);
      for (const identifier of added) space.owners.set(identifierKey(identifier), id);
      record.identifiers.push(...added);
      touch(record);
      return copy(record);
    },

    async removeIdentifiers(workspaceId, profileId, identifiers) {
      const id = parseId(workspaceId, profileId, 'profile id');
      const keys = new Set(parseIdentifiers(identifiers).map(identifierKey));
      const space = spaceOf(workspaceId);
      const record = space.profiles.get(id);
      if (!record) throw new NotFoundError(`Profile ${id} not found`);
      const kept = record.identifiers.filter((identifier) => !keys.has(identifierKey(identifier)));
      if (kept.length === record.identifiers.length) return copy(record);
      for (const key of keys) if (space.owners.get(key) === id) space.owners.delete(key);
      record.identifiers = kept;
      touch(record);
      return copy(record);
    },

    async patchTraits(workspaceId, profileId, patch) {
      const parsed = parseTraitPatch(workspaceId, profileId, patch);
      const space = spaceOf(workspaceId);
      const record = canonical(space, parsed.profileId, 'patch traits of');
      if (parsed.expectedVersion !== undefined && parsed.expectedVersion !== record.version) {
        throw new ConflictError(
          `Profile ${record.id} is at version ${record.version}, not ${parsed.expectedVersion}`,
        );
      }
      const traits = { ...record.traits, ...parsed.set };
      for (const name of parsed.unset) delete traits[name];
      record.traits = traits;
      touch(record);
      return copy(record);
    },

    async merge(workspaceId, input) {
      const parsed = parseMergeInput(workspaceId, input);
      return applyMerge(spaceOf(workspaceId), parsed);
    },

    async mergeMany(workspaceId, inputs) {
      const parsed = parseMergeInputs(workspaceId, inputs);
      const space = spaceOf(workspaceId);
      // Every merge is checked against the state the earlier ones leave before anything changes.
      const mergedNow = new Map<string, string>();
      const check = (id: string, op: string) => {
        canonical(space, id, op);
        const into = mergedNow.get(id);
        if (into !== undefined)
          throw new ConflictError(`Cannot ${op} profile ${id}: it was merged into ${into}`);
      };
      for (const merge of parsed) {
        check(merge.into, 'merge into');
        check(merge.from, 'merge');
        mergedNow.set(merge.from, merge.into);
      }
      return parsed.map((merge) => applyMerge(space, merge));
    },

    async unmerge(workspaceId, input) {
      const parsed = parseUnmergeInput(workspaceId, input);
      const space = spaceOf(workspaceId);
      const into = canonical(space, parsed.into, 'unmerge from');
      const from = space.profiles.get(parsed.from);
      if (!from) throw new NotFoundError(`Profile ${parsed.from} not found`);
      if (from.mergedInto !== into.id) {
        throw new ConflictError(`Profile ${from.id} is not merged into ${into.id}`);
      }
      const held = new Set(into.identifiers.map(identifierKey));
      const given = [...parsed.intoIdentifiers, ...parsed.fromIdentifiers].map(identifierKey);
      if (given.length !== held.size || given.some((key) => !held.has(key))) {
        throw new ConflictError(`The identifiers of profile ${into.id} changed; read it again`);
      }
      for (const identifier of parsed.fromIdentifiers) space.owners.set(identifierKey(identifier), from.id);
      into.identifiers = parsed.intoIdentifiers;
      into.traits = parsed.intoTraits;
      from.identifiers = parsed.fromIdentifiers;
      from.traits = parsed.fromTraits;
      from.mergedInto = null;
      space.mergedChildren.get(into.id)?.delete(from.id);
      touch(into);
      touch(from);
      return { into: copy(into), from: copy(from) };
    },

    async members(workspaceId, profileId) {
      const id = parseId(workspaceId, profileId, 'profile id');
      const space = workspaces.get(workspaceId);
      if (!space?.profiles.has(id)) throw new NotFoundError(`Profile ${id} not found`);
      return collectMembers(space, id);
    },

    async list(workspaceId, query) {
      const q = parseListQuery(workspaceId, query);
      const after = q.cursor === null ? '' : (decodeCursor(q.cursor, { id: 'string' }).id as string);
      const ids = [...(workspaces.get(workspaceId)?.profiles.values() ?? [])]
        .filter((record) => record.mergedInto === null && compareKeys(record.id, after) > 0)
        .map((record) => record.id)
        .sort(compareKeys);
      const page = ids.slice(0, q.limit);
      const space = workspaces.get(workspaceId);
      return {
        items: page.map((id) => copy(space!.profiles.get(id)!)),
        nextCursor: ids.length > q.limit ? encodeCursor({ id: page[page.length - 1]! }) : null,
      };
    },

    async delete(workspaceId, profileId) {
      const id = parseId(workspaceId, profileId, 'profile id');
      const space = workspaces.get(workspaceId);
      if (!space?.profiles.has(id)) return [];
      const ids = collectMembers(space, id);
      const parent = space.profiles.get(id)!.mergedInto;
      if (parent !== null) space.mergedChildren.get(parent)?.delete(id);
      for (const memberId of ids) {
        for (const identifier of space.profiles.get(memberId)!.identifiers) {
          space.owners.delete(identifierKey(identifier));
        }
        space.profiles.delete(memberId);
        space.mergedChildren.delete(memberId);
      }
      return ids;
    },
  };
}
