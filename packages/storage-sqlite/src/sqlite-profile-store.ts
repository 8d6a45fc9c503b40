import {
  assertWorkspaceId,
  type Clock,
  ConflictError,
  decodeCursor,
  encodeCursor,
  type Identifier,
  type IdGenerator,
  identifierKey,
  NotFoundError,
  type ParsedProfileWrite,
  type ProfileRecord,
  type ProfileStore,
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
  type Traits,
} from '@cx/core';
import type { Database } from 'better-sqlite3';
import { guard } from './adapter-error';
import { prepare } from './prepare';

interface ProfileRow {
  id: string;
  traits: string;
  merged_into: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

interface IdentifierRow {
  profile_id: string;
  type: string;
  value: string;
}

/** Options for {@link sqliteProfileStore}. */
export interface SqliteProfileStoreOptions {
  clock: Clock;
  newId: IdGenerator;
}

const iso = (ms: number) => new Date(ms).toISOString();

const toRecord = (row: ProfileRow, identifiers: Identifier[]): ProfileRecord => ({
  id: row.id,
  identifiers,
  traits: JSON.parse(row.traits) as Traits,
  mergedInto: row.merged_into,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
  version: row.version,
});

/**
 * The {@link ProfileStore} on SQLite. Every call runs in one transaction (immediate for
 * writes), so a merge, a create with identifiers or a delete of a merge tree is all or nothing.
 */
export function sqliteProfileStore(
  db: Database,
  { clock, newId }: SqliteProfileStoreOptions,
): { store: ProfileStore; applyWrites(workspaceId: string, writes: readonly ParsedProfileWrite[]): void } {
  const columns = 'id, traits, merged_into, created_at, updated_at, version';
  const selectProfile = prepare<[string, string], ProfileRow>(
    db,
    `SELECT ${columns} FROM cx_profiles WHERE workspace_id = ? AND id = ?`,
  );
  const selectIdentifiers = prepare<[string, string], Identifier>(
    db,
    'SELECT type, value FROM cx_identifiers WHERE workspace_id = ? AND profile_id = ? ORDER BY ordinal',
  );
  const selectIdentifiersOfMany = prepare<[string, string], IdentifierRow>(
    db,
    `SELECT profile_id, type, value FROM cx_identifiers
     WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))
     ORDER BY profile_id, ordinal`,
  );
  const selectOwner = prepare<[string, string, string], string>(
    db,
    'SELECT profile_id FROM cx_identifiers WHERE workspace_id = ? AND type = ? AND value = ?',
  ).pluck();
  const selectLastOrdinal = prepare<[string, string], number>(
    db,
    'SELECT coalesce(max(ordinal), 0) FROM cx_identifiers WHERE workspace_id = ? AND profile_id = ?',
  ).pluck();
  const insertProfile = prepare<[string, string, string, number, number]>(
    db,
    `INSERT INTO cx_profiles (workspace_id, id, traits, merged_into, created_at, updated_at, version)
     VALUES (?, ?, ?, NULL, ?, ?, 1)`,
  );
  const insertIdentifier = prepare<[string, string, string, string, number]>(
    db,
    'INSERT INTO cx_identifiers (workspace_id, type, value, profile_id, ordinal) VALUES (?, ?, ?, ?, ?)',
  );
  const deleteIdentifier = prepare<[string, string, string, string]>(
    db,
    'DELETE FROM cx_identifiers WHERE workspace_id = ? AND type = ? AND value = ? AND profile_id = ?',
  );
  // Shifting by the target's last ordinal puts the moved identifiers after its own, in their order.
  const moveIdentifiers = prepare<[string, number, string, string]>(
    db,
    'UPDATE cx_identifiers SET profile_id = ?, ordinal = ordinal + ? WHERE workspace_id = ? AND profile_id = ?',
  );
  const touch = prepare<[number, string, string]>(
    db,
    'UPDATE cx_profiles SET updated_at = ?, version = version + 1 WHERE workspace_id = ? AND id = ?',
  );
  const updateTraits = prepare<[string, number, string, string]>(
    db,
    'UPDATE cx_profiles SET traits = ?, updated_at = ?, version = version + 1 WHERE workspace_id = ? AND id = ?',
  );
  const markMerged = prepare<[string, number, string, string]>(
    db,
    `UPDATE cx_profiles SET merged_into = ?, updated_at = ?, version = version + 1
     WHERE workspace_id = ? AND id = ?`,
  );
  const restore = prepare<[string, number, string, string]>(
    db,
    `UPDATE cx_profiles SET traits = ?, merged_into = NULL, updated_at = ?, version = version + 1
     WHERE workspace_id = ? AND id = ?`,
  );
  const placeIdentifier = prepare<[string, number, string, string, string]>(
    db,
    'UPDATE cx_identifiers SET profile_id = ?, ordinal = ? WHERE workspace_id = ? AND type = ? AND value = ?',
  );
  // CROSS JOIN keeps the tree as the outer loop, so each step is one index search on merged_into.
  const selectMembers = prepare<[{ workspace: string; id: string }], string>(
    db,
    `WITH RECURSIVE tree(id) AS (
         VALUES (@id)
         UNION ALL
         SELECT p.id FROM tree CROSS JOIN cx_profiles p
         ON p.workspace_id = @workspace AND p.merged_into = tree.id
       )
       SELECT id FROM tree`,
  ).pluck();
  const selectCanonicalPage = prepare<[string, string, number], ProfileRow>(
    db,
    `SELECT ${columns} FROM cx_profiles
     WHERE workspace_id = ? AND merged_into IS NULL AND id > ?
     ORDER BY id LIMIT ?`,
  );
  const deleteIdentifiersOf = prepare<[string, string]>(
    db,
    'DELETE FROM cx_identifiers WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  );
  const deleteProfiles = prepare<[string, string]>(
    db,
    'DELETE FROM cx_profiles WHERE workspace_id = ? AND id IN (SELECT value FROM json_each(?))',
  );

  const read = (workspaceId: string, profileId: string): ProfileRecord | null => {
    const row = selectProfile.get(workspaceId, profileId);
    if (!row) return null;
    const identifiers = selectIdentifiers
      .all(workspaceId, profileId)
      .map(({ type, value }) => ({ type, value }));
    return toRecord(row, identifiers);
  };

  const mustRead = (workspaceId: string, profileId: string): ProfileRecord => {
    const record = read(workspaceId, profileId);
    if (!record) throw new NotFoundError(`Profile ${profileId} not found`);
    return record;
  };

  const canonical = (workspaceId: string, profileId: string, op: string): ProfileRecord => {
    const record = mustRead(workspaceId, profileId);
    if (record.mergedInto !== null) {
      throw new ConflictError(`Cannot ${op} profile ${profileId}: it was merged into ${record.mergedInto}`);
    }
    return record;
  };

  /** Throws on the first identifier owned by another profile; returns those not yet owned by `profileId`. */
  const claimable = (workspaceId: string, identifiers: readonly Identifier[], profileId: string | null) =>
    identifiers.filter((identifier) => {
      const owner = selectOwner.get(workspaceId, identifier.type, identifier.value);
      if (owner !== undefined && owner !== profileId) {
        throw new ConflictError(`Identifier ${identifierKey(identifier)} already points at profile ${owner}`);
      }
      return owner === undefined;
    });

  const attach = (workspaceId: string, profileId: string, identifiers: readonly Identifier[]) => {
    let ordinal = selectLastOrdinal.get(workspaceId, profileId) ?? 0;
    for (const identifier of identifiers) {
      insertIdentifier.run(workspaceId, identifier.type, identifier.value, profileId, ++ordinal);
    }
  };

  const membersOf = (workspaceId: string, profileId: string) =>
    selectMembers.all({ workspace: workspaceId, id: profileId });

  const createRow = (workspaceId: string, input: ReturnType<typeof parseCreateProfile>) => {
    const id = input.id ?? newId();
    if (selectProfile.get(workspaceId, id)) throw new ConflictError(`Profile ${id} already exists`);
    claimable(workspaceId, input.identifiers, null);
    const at = clock.now();
    insertProfile.run(workspaceId, id, JSON.stringify(input.traits), at, at);
    // A new profile holds no identifier yet: they take ordinals 1, 2, ...
    input.identifiers.forEach((identifier, index) => {
      insertIdentifier.run(workspaceId, identifier.type, identifier.value, id, index + 1);
    });
    const record: ProfileRecord = {
      id,
      identifiers: input.identifiers,
      traits: input.traits,
      mergedInto: null,
      createdAt: iso(at),
      updatedAt: iso(at),
      version: 1,
    };
    return record;
  };
  const create = db.transaction(createRow);

  // Each create runs as a savepoint of one transaction: one commit, and a conflict undoes all.
  const createMany = db.transaction(
    (workspaceId: string, inputs: ReturnType<typeof parseCreateProfiles>): ProfileRecord[] =>
      inputs.map((input) => create(workspaceId, input)),
  );

  /** A canonical profile's row (no identifiers), for the checks of a write. */
  const liveRow = (workspaceId: string, profileId: string, op: string): ProfileRow => {
    const row = selectProfile.get(workspaceId, profileId);
    if (!row) throw new NotFoundError(`Profile ${profileId} not found`);
    if (row.merged_into !== null) {
      throw new ConflictError(`Cannot ${op} profile ${profileId}: it was merged into ${row.merged_into}`);
    }
    return row;
  };
  // Each write below is the bare statements (what a commit runs inside its own transaction); the
  // ProfileStore method wraps it in a transaction and reads the record back.
  const addIdentifiersRows = (workspaceId: string, id: string, identifiers: Identifier[]) => {
    liveRow(workspaceId, id, 'add identifiers to');
    const added = claimable(workspaceId, identifiers, id);
    if (added.length > 0) {
      attach(workspaceId, id, added);
      touch.run(clock.now(), workspaceId, id);
    }
  };
  const addIdentifiers = db.transaction((workspaceId: string, id: string, identifiers: Identifier[]) => {
    addIdentifiersRows(workspaceId, id, identifiers);
    return mustRead(workspaceId, id);
  });

  const removeIdentifiersRows = (workspaceId: string, id: string, identifiers: Identifier[]) => {
    if (!selectProfile.get(workspaceId, id)) throw new NotFoundError(`Profile ${id} not found`);
    let removed = 0;
    for (const identifier of identifiers) {
      removed += deleteIdentifier.run(workspaceId, identifier.type, identifier.value, id).changes;
    }
    if (removed > 0) touch.run(clock.now(), workspaceId, id);
  };
  const removeIdentifiers = db.transaction((workspaceId: string, id: string, identifiers: Identifier[]) => {
    removeIdentifiersRows(workspaceId, id, identifiers);
    return mustRead(workspaceId, id);
  });

  const patchTraitsRows = (workspaceId: string, patch: ReturnType<typeof parseTraitPatch>) => {
    const row = liveRow(workspaceId, patch.profileId, 'patch traits of');
    if (patch.expectedVersion !== undefined && patch.expectedVersion !== row.version) {
      throw new ConflictError(`Profile ${row.id} is at version ${row.version}, not ${patch.expectedVersion}`);
    }
    const traits = { ...(JSON.parse(row.traits) as Traits), ...patch.set };
    for (const name of patch.unset) delete traits[name];
    updateTraits.run(JSON.stringify(traits), clock.now(), workspaceId, row.id);
  };
  const patchTraits = db.transaction((workspaceId: string, patch: ReturnType<typeof parseTraitPatch>) => {
    patchTraitsRows(workspaceId, patch);
    return mustRead(workspaceId, patch.profileId);
  });

  const mergeRows = (workspaceId: string, input: ReturnType<typeof parseMergeInput>) => {
    const into = liveRow(workspaceId, input.into, 'merge into');
    const from = liveRow(workspaceId, input.from, 'merge');
    const at = clock.now();
    moveIdentifiers.run(into.id, selectLastOrdinal.get(workspaceId, into.id) ?? 0, workspaceId, from.id);
    const traits = input.traits ?? {
      ...(JSON.parse(from.traits) as Traits),
      ...(JSON.parse(into.traits) as Traits),
    };
    updateTraits.run(JSON.stringify(traits), at, workspaceId, into.id);
    markMerged.run(into.id, at, workspaceId, from.id);
  };
  const merge = db.transaction((workspaceId: string, input: ReturnType<typeof parseMergeInput>) => {
    // What `from` holds now is what moves (an unknown profile holds nothing, and mergeRows refuses it).
    const movedIdentifiers = selectIdentifiers
      .all(workspaceId, input.from)
      .map(({ type, value }) => ({ type, value }));
    mergeRows(workspaceId, input);
    return {
      into: mustRead(workspaceId, input.into),
      from: mustRead(workspaceId, input.from),
      movedIdentifiers,
    };
  });

  // Each merge runs as a savepoint inside one transaction: one commit for all, none on a failure.
  const mergeMany = db.transaction((workspaceId: string, inputs: ReturnType<typeof parseMergeInputs>) =>
    inputs.map((input) => merge(workspaceId, input)),
  );

  const unmergeRows = (workspaceId: string, input: ReturnType<typeof parseUnmergeInput>) => {
    const into = canonical(workspaceId, input.into, 'unmerge from');
    const from = mustRead(workspaceId, input.from);
    if (from.mergedInto !== into.id)
      throw new ConflictError(`Profile ${from.id} is not merged into ${into.id}`);
    const held = new Set(into.identifiers.map(identifierKey));
    const given = [...input.intoIdentifiers, ...input.fromIdentifiers].map(identifierKey);
    if (given.length !== held.size || given.some((key) => !held.has(key))) {
      throw new ConflictError(`The identifiers of profile ${into.id} changed; read it again`);
    }
    // Each side takes its identifiers in the order given, as the reference store does.
    input.intoIdentifiers.forEach((identifier, index) => {
      placeIdentifier.run(into.id, index + 1, workspaceId, identifier.type, identifier.value);
    });
    input.fromIdentifiers.forEach((identifier, index) => {
      placeIdentifier.run(from.id, index + 1, workspaceId, identifier.type, identifier.value);
    });
    const at = clock.now();
    updateTraits.run(JSON.stringify(input.intoTraits), at, workspaceId, into.id);
    restore.run(JSON.stringify(input.fromTraits), at, workspaceId, from.id);
    return { into: mustRead(workspaceId, into.id), from: mustRead(workspaceId, from.id) };
  };
  const unmerge = db.transaction(unmergeRows);

  const remove = db.transaction((workspaceId: string, id: string) => {
    if (!selectProfile.get(workspaceId, id)) return [];
    const ids = membersOf(workspaceId, id);
    const json = JSON.stringify(ids);
    deleteIdentifiersOf.run(workspaceId, json);
    deleteProfiles.run(workspaceId, json);
    return ids;
  });

  // Reads of more than one statement run in a (deferred) transaction for a consistent snapshot.
  const readOne = db.transaction(read);
  const readMany = db.transaction((workspaceId: string, ids: readonly string[]) => {
    const out: ProfileRecord[] = [];
    for (const id of new Set(ids)) {
      const record = read(workspaceId, id);
      if (record) out.push(record);
    }
    return out;
  });
  const find = db.transaction((workspaceId: string, identifier: Identifier) => {
    const owner = selectOwner.get(workspaceId, identifier.type, identifier.value);
    return owner === undefined ? null : read(workspaceId, owner);
  });
  const lookup = db.transaction((workspaceId: string, identifiers: Identifier[]) => {
    const found = new Map<string, string>();
    for (const identifier of identifiers) {
      const owner = selectOwner.get(workspaceId, identifier.type, identifier.value);
      if (owner !== undefined) found.set(identifierKey(identifier), owner);
    }
    return found;
  });
  const members = db.transaction((workspaceId: string, id: string) => {
    if (!selectProfile.get(workspaceId, id)) throw new NotFoundError(`Profile ${id} not found`);
    return membersOf(workspaceId, id);
  });
  const list = db.transaction((workspaceId: string, after: string, limit: number) => {
    const rows = selectCanonicalPage.all(workspaceId, after, limit + 1);
    const page = rows.slice(0, limit);
    const identifiers = new Map<string, Identifier[]>(page.map((row) => [row.id, []]));
    for (const row of selectIdentifiersOfMany.all(workspaceId, JSON.stringify([...identifiers.keys()]))) {
      identifiers.get(row.profile_id)!.push({ type: row.type, value: row.value });
    }
    return {
      items: page.map((row) => toRecord(row, identifiers.get(row.id)!)),
      nextCursor: rows.length > limit ? encodeCursor({ id: page[page.length - 1]!.id }) : null,
    };
  });

  /**
   * A commit's profile writes, in order, inside the commit's transaction: the checks and writes
   * of each method without reading the records back (nobody reads a commit's profiles), and
   * without a savepoint each (a failure rolls the whole commit back).
   */
  const applyWrites = (workspaceId: string, writes: readonly ParsedProfileWrite[]): void => {
    for (const write of writes) {
      if (write.op === 'create') createRow(workspaceId, write.profile);
      else if (write.op === 'addIdentifiers')
        addIdentifiersRows(workspaceId, write.profileId, write.identifiers);
      else if (write.op === 'removeIdentifiers') {
        removeIdentifiersRows(workspaceId, write.profileId, write.identifiers);
      } else if (write.op === 'patchTraits') patchTraitsRows(workspaceId, write.patch);
      else if (write.op === 'merge') mergeRows(workspaceId, write.merge);
      else unmergeRows(workspaceId, write.unmerge);
    }
  };

  const store: ProfileStore = {
    async create(workspaceId, input) {
      return guard('profiles.create', () =>
        create.immediate(workspaceId, parseCreateProfile(workspaceId, input)),
      );
    },

    async createMany(workspaceId, inputs) {
      return guard('profiles.createMany', () => {
        const parsed = parseCreateProfiles(workspaceId, inputs);
        return parsed.length === 0 ? [] : createMany.immediate(workspaceId, parsed);
      });
    },

    async get(workspaceId, profileId) {
      return guard('profiles.get', () => readOne(workspaceId, parseId(workspaceId, profileId, 'profile id')));
    },

    async getMany(workspaceId, profileIds) {
      return guard('profiles.getMany', () =>
        readMany(workspaceId, parseIds(workspaceId, profileIds, 'profile ids')),
      );
    },

    async findByIdentifier(workspaceId, identifier) {
      return guard('profiles.findByIdentifier', () => {
        assertWorkspaceId(workspaceId);
        const [parsed] = parseIdentifiers([identifier]);
        return find(workspaceId, parsed!);
      });
    },

    async lookupIdentifiers(workspaceId, identifiers) {
      return guard('profiles.lookupIdentifiers', () => {
        assertWorkspaceId(workspaceId);
        return lookup(workspaceId, parseIdentifiers(identifiers));
      });
    },

    async addIdentifiers(workspaceId, profileId, identifiers) {
      return guard('profiles.addIdentifiers', () => {
        const id = parseId(workspaceId, profileId, 'profile id');
        return addIdentifiers.immediate(workspaceId, id, parseIdentifiers(identifiers));
      });
    },

    async removeIdentifiers(workspaceId, profileId, identifiers) {
      return guard('profiles.removeIdentifiers', () => {
        const id = parseId(workspaceId, profileId, 'profile id');
        return removeIdentifiers.immediate(workspaceId, id, parseIdentifiers(identifiers));
      });
    },

    async patchTraits(workspaceId, profileId, patch) {
      return guard('profiles.patchTraits', () =>
        patchTraits.immediate(workspaceId, parseTraitPatch(workspaceId, profileId, patch)),
      );
    },

    async merge(workspaceId, input) {
      return guard('profiles.merge', () => merge.immediate(workspaceId, parseMergeInput(workspaceId, input)));
    },

    async mergeMany(workspaceId, inputs) {
      return guard('profiles.mergeMany', () => {
        const parsed = parseMergeInputs(workspaceId, inputs);
        return parsed.length === 0 ? [] : mergeMany.immediate(workspaceId, parsed);
      });
    },

    async unmerge(workspaceId, input) {
      return guard('profiles.unmerge', () =>
        unmerge.immediate(workspaceId, parseUnmergeInput(workspaceId, input)),
      );
    },

    async members(workspaceId, profileId) {
      return guard('profiles.members', () =>
        members(workspaceId, parseId(workspaceId, profileId, 'profile id')),
      );
    },

    async list(workspaceId, query) {
      return guard('profiles.list', () => {
        const q = parseListQuery(workspaceId, query);
        const after = q.cursor === null ? '' : (decodeCursor(q.cursor, { id: 'string' }).id as string);
        return list(workspaceId, after, q.limit);
      });
    },

    async delete(workspaceId, profileId) {
      return guard('profiles.delete', () =>
        remove.immediate(workspaceId, parseId(workspaceId, profileId, 'profile id')),
      );
    },
  };
  return { store, applyWrites };
}
