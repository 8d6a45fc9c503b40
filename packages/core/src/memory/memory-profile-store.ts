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
import type { ParsedProfileWrite } from '../ports/profile-write-inputs';
import { assertWorkspaceId } from '../workspaces/workspace-id';

interface WorkspaceProfiles {
  profiles: Map<string, ProfileRecord>;
  owners: Map<string, string>;
  /** profile id → ids merged directly into it */
  mergedChildren: Map<string, Set<string>>;
}

/** Records are copied in and out so callers can never change stored state by mutation. */
const copy = (record: ProfileRecord): ProfileRecord => structuredClone(record);
const copyMerge = (result: MergeResult): MergeResult => structuredClone(result);

/** Options for {@link memoryProfileStore}. */
export interface MemoryProfileStoreOptions {
  clock: Clock;
  newId: IdGenerator;
}

/** The reference {@link ProfileStore}, and how a commit applies profile writes to it. */
export function memoryProfiles({ clock, newId }: MemoryProfileStoreOptions): {
  store: ProfileStore;
  /** `thenCheck` runs after the writes; if it throws, they are undone too. */
  applyWrites(workspaceId: string, writes: readonly ParsedProfileWrite[], thenCheck?: () => void): void;
} {
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
    return { into, from, movedIdentifiers: moved };
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
      return record;
    });
  };

  const addIdentifiers = (space: WorkspaceProfiles, id: string, parsed: Identifier[]): ProfileRecord => {
    const record = canonical(space, id, 'add identifiers to');
    assertFree(space, parsed, id);
    const added = parsed.filter((identifier) => space.owners.get(identifierKey(identifier)) !== id);
    if (added.length === 0) return record;
    for (const identifier of added) space.owners.set(identifierKey(identifier), id);
    record.identifiers.push(...added);
    touch(record);
    return record;
  };

  const removeIdentifiers = (space: WorkspaceProfiles, id: string, parsed: Identifier[]): ProfileRecord => {
    const keys = new Set(parsed.map(identifierKey));
    const record = space.profiles.get(id);
    if (!record) throw new NotFoundError(`Profile ${id} not found`);
    const kept = record.identifiers.filter((identifier) => !keys.has(identifierKey(identifier)));
    if (kept.length === record.identifiers.length) return record;
    for (const key of keys) if (space.owners.get(key) === id) space.owners.delete(key);
    record.identifiers = kept;
    touch(record);
    return record;
  };

  const patchTraits = (
    space: WorkspaceProfiles,
    parsed: ReturnType<typeof parseTraitPatch>,
  ): ProfileRecord => {
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
    return record;
  };

  const unmerge = (space: WorkspaceProfiles, parsed: ReturnType<typeof parseUnmergeInput>) => {
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
    return { into, from };
  };

  /**
   * Applies a commit's profile writes in order, all or nothing (with the check that follows
   * them, as the SQL stores check events after the profile writes): what they may change (their
   * profiles, the owners of every identifier those profiles hold or the writes name, merge
   * children) is saved first and put back if one of them throws.
   */
  const applyWrites = (
    workspaceId: string,
    writes: readonly ParsedProfileWrite[],
    thenCheck: () => void = () => {},
  ): void => {
    if (writes.length === 0) {
      thenCheck();
      return;
    }
    const space = spaceOf(workspaceId);
    const records = new Map<string, ProfileRecord | undefined>();
    const owners = new Map<string, string | undefined>();
    const children = new Map<string, Set<string> | undefined>();
    const saveIdentifiers = (list: readonly Identifier[]) => {
      for (const identifier of list) {
        const key = identifierKey(identifier);
        if (!owners.has(key)) owners.set(key, space.owners.get(key));
      }
    };
    const saveProfile = (id: string) => {
      if (records.has(id)) return;
      const record = space.profiles.get(id);
      // Ops replace a record's traits and arrays, or push onto its identifiers: a copy of the
      // record and of that list is enough to put it back.
      records.set(id, record && { ...record, identifiers: [...record.identifiers] });
      if (record) saveIdentifiers(record.identifiers);
      const set = space.mergedChildren.get(id);
      children.set(id, set && new Set(set));
    };
    for (const write of writes) {
      if (write.op === 'create') {
        saveProfile(write.profile.id);
        saveIdentifiers(write.profile.identifiers);
      } else if (write.op === 'merge') {
        saveProfile(write.merge.into);
        saveProfile(write.merge.from);
      } else if (write.op === 'unmerge') {
        saveProfile(write.unmerge.into);
        saveProfile(write.unmerge.from);
      } else if (write.op === 'patchTraits') saveProfile(write.patch.profileId);
      else {
        saveProfile(write.profileId);
        saveIdentifiers(write.identifiers);
      }
    }
    // A merge moves the identifiers `from` holds then, which a create of this commit may have given it.
    try {
      for (const write of writes) {
        if (write.op === 'create') insertProfiles(space, [write.profile]);
        else if (write.op === 'addIdentifiers') addIdentifiers(space, write.profileId, write.identifiers);
        else if (write.op === 'removeIdentifiers')
          removeIdentifiers(space, write.profileId, write.identifiers);
        else if (write.op === 'patchTraits') patchTraits(space, write.patch);
        else if (write.op === 'unmerge') unmerge(space, write.unmerge);
        else applyMerge(space, write.merge);
      }
      thenCheck();
    } catch (error) {
      for (const [id, record] of records) {
        if (record) space.profiles.set(id, record);
        else space.profiles.delete(id);
      }
      for (const [key, owner] of owners) {
        if (owner === undefined) space.owners.delete(key);
        else space.owners.set(key, owner);
      }
      for (const [id, set] of children) {
        if (set) space.mergedChildren.set(id, set);
        else space.mergedChildren.delete(id);
      }
      throw error;
    }
  };

  return {
    store: {
      async create(workspaceId, input) {
        const [record] = insertProfiles(spaceOf(workspaceId), [parseCreateProfile(workspaceId, input)]).map(
          copy,
        );
        return record!;
      },

      async createMany(workspaceId, inputs) {
        return insertProfiles(spaceOf(workspaceId), parseCreateProfiles(workspaceId, inputs)).map(copy);
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
        return copy(addIdentifiers(spaceOf(workspaceId), id, parseIdentifiers(identifiers)));
      },

      async removeIdentifiers(workspaceId, profileId, identifiers) {
        const id = parseId(workspaceId, profileId, 'profile id');
        return copy(removeIdentifiers(spaceOf(workspaceId), id, parseIdentifiers(identifiers)));
      },

      async patchTraits(workspaceId, profileId, patch) {
        return copy(patchTraits(spaceOf(workspaceId), parseTraitPatch(workspaceId, profileId, patch)));
      },

      async merge(workspaceId, input) {
        const parsed = parseMergeInput(workspaceId, input);
        return copyMerge(applyMerge(spaceOf(workspaceId), parsed));
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
        return parsed.map((merge) => copyMerge(applyMerge(space, merge)));
      },

      async unmerge(workspaceId, input) {
        const { into, from } = unmerge(spaceOf(workspaceId), parseUnmergeInput(workspaceId, input));
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
    },
    applyWrites,
  };
}
