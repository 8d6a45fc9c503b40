import {
  assertWorkspaceId,
  ConflictError,
  decodeCursor,
  encodeCursor,
  type Identifier,
  identifierKey,
  type MergeResult,
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
  type UnmergeResult,
} from '@cx/core';
import type { QueryResult, QueryResultRow } from 'pg';
import type { PostgresContext } from './context';
import { constraintOf, guard, isUniqueViolation } from './errors';
import { inTransaction, withRetry } from './transaction';

/** A pool or a transaction's client: anything that runs a parameterised statement. */
interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

interface ProfileRow {
  id: string;
  traits: string;
  merged_into: string | null;
  created_at: string | number;
  updated_at: string | number;
  version: string | number;
  identifiers: string;
}

const iso = (ms: string | number) => new Date(Number(ms)).toISOString();

const toRecord = (row: ProfileRow): ProfileRecord => ({
  id: row.id,
  identifiers: JSON.parse(row.identifiers) as Identifier[],
  traits: JSON.parse(row.traits) as ProfileRecord['traits'],
  mergedInto: row.merged_into,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
  version: Number(row.version),
});

/** Splits identifiers into the two parallel arrays `unnest($n::text[], $m::text[])` takes. */
const columnsOf = (identifiers: readonly Identifier[]) => [
  identifiers.map((identifier) => identifier.type),
  identifiers.map((identifier) => identifier.value),
];

/**
 * The PostgreSQL {@link ProfileStore}. Profiles live in `cx_profiles`, identifiers in
 * `cx_identifiers` with a primary key on (workspace_id, type, value), which is what guarantees
 * one owner per identifier even across processes. Every change to a profile's identifiers or
 * traits holds that profile's row lock (`SELECT ... FOR UPDATE`), and `merge` takes both locks in
 * id order, so concurrent merges serialise instead of deadlocking.
 */
export function postgresProfileStore({ pool, tables, clock, newId }: PostgresContext): {
  store: ProfileStore;
  applyWrites(client: Queryable, workspaceId: string, writes: readonly ParsedProfileWrite[]): Promise<void>;
} {
  const { profiles, identifiers } = tables;

  /** The columns of a profile record, identifiers aggregated in insertion order. */
  const recordColumns = (alias: string) => `
    ${alias}.id, ${alias}.traits::text AS traits, ${alias}.merged_into, ${alias}.created_at,
    ${alias}.updated_at, ${alias}.version,
    (SELECT COALESCE(json_agg(json_build_object('type', ident.type, 'value', ident.value) ORDER BY ident.ordinal), '[]')::text
     FROM ${identifiers} ident
     WHERE ident.workspace_id = ${alias}.workspace_id AND ident.profile_id = ${alias}.id) AS identifiers`;

  const readRecords = async (db: Queryable, workspaceId: string, ids: readonly string[]) => {
    // A primary-key probe per id (see ownersOf).
    const result = await db.query<ProfileRow>(
      `SELECT ${recordColumns('p')}
       FROM unnest($2::text[]) AS wanted(id)
       CROSS JOIN LATERAL (
         SELECT * FROM ${profiles} WHERE workspace_id = $1 AND id = wanted.id LIMIT 1
       ) p`,
      [workspaceId, ids],
    );
    return new Map(result.rows.map((row) => [row.id, toRecord(row)]));
  };

  const readRecord = async (db: Queryable, workspaceId: string, id: string) => {
    const record = (await readRecords(db, workspaceId, [id])).get(id);
    if (!record) throw new NotFoundError(`Profile ${id} not found`);
    return record;
  };

  /** Who owns each of `list` (by `type:value`), for identifiers that are known. */
  const ownersOf = async (db: Queryable, workspaceId: string, list: readonly Identifier[]) => {
    const owners = new Map<string, string>();
    if (list.length === 0) return owners;
    // One primary-key probe per identifier. As a plain join, the planner may hash the
    // workspace's whole identifier table (it does when statistics lag behind a growing table),
    // which costs O(workspace) per call instead of O(batch); LIMIT 1 keeps the subquery a
    // per-row probe (the key is unique, so it changes no result).
    const result = await db.query<{ type: string; value: string; profile_id: string }>(
      `SELECT wanted.type, wanted.value, ident.profile_id
       FROM unnest($2::text[], $3::text[]) AS wanted(type, value)
       CROSS JOIN LATERAL (
         SELECT i.profile_id FROM ${identifiers} i
         WHERE i.workspace_id = $1 AND i.type = wanted.type AND i.value = wanted.value
         LIMIT 1
       ) ident`,
      [workspaceId, ...columnsOf(list)],
    );
    for (const row of result.rows) owners.set(identifierKey(row), row.profile_id);
    return owners;
  };

  /** Locks a profile row for the rest of the transaction; `undefined` when it does not exist. */
  const lock = async (db: Queryable, workspaceId: string, id: string) => {
    const result = await db.query<{ merged_into: string | null; version: number }>(
      `SELECT merged_into, version FROM ${profiles} WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [workspaceId, id],
    );
    return result.rows[0];
  };

  /**
   * Locks profile rows for the rest of the transaction, one primary-key probe per id (see
   * ownersOf), in id order: every caller takes locks in the same order, so they wait for each
   * other instead of deadlocking.
   */
  const lockProfiles = (db: Queryable, workspaceId: string, ids: readonly string[]) =>
    db.query<{ id: string; merged_into: string | null }>(
      `SELECT p.id, p.merged_into
       FROM unnest($2::text[]) WITH ORDINALITY AS wanted(id, n)
       CROSS JOIN LATERAL (
         SELECT id, merged_into FROM ${profiles} WHERE workspace_id = $1 AND id = wanted.id
         LIMIT 1 FOR UPDATE
       ) p
       ORDER BY wanted.n`,
      [workspaceId, [...new Set(ids)].sort()],
    );

  /**
   * Locks two profile rows in id order, whichever way round the caller names them, so two
   * merges (or a merge and an unmerge) of the same pair wait for each other instead of
   * deadlocking. Returns the rows found, by id.
   */
  const lockPair = async (db: Queryable, workspaceId: string, first: string, second: string) => {
    const locked = await lockProfiles(db, workspaceId, [first, second]);
    return new Map(locked.rows.map((row) => [row.id, row]));
  };

  /**
   * Merges `parsed.from` into `parsed.into` inside a transaction that holds both row locks and
   * has checked both are canonical.
   */
  const mergeLocked = async (
    client: Queryable,
    workspaceId: string,
    parsed: ReturnType<typeof parseMergeInput>,
  ): Promise<MergeResult> => {
    const { into, from } = parsed;
    const at = clock.now();
    // One statement moves the identifiers, marks `from` merged and sets `into`'s traits, and
    // returns both records as they are afterwards (the snapshot still shows `into`'s own
    // identifiers; the moved ones come from the first step): 4 round trips per merge, not 7.
    // Without chosen traits, `into` keeps its values and gains the traits only `from` has.
    const result = await client.query<ProfileRow & { moved: string }>(
      `WITH moved AS (
         UPDATE ${identifiers} AS ident
         SET profile_id = $3, ordinal = tail.ordinal + moving.n
         FROM (SELECT type, value, row_number() OVER (ORDER BY ordinal) AS n
               FROM ${identifiers} WHERE workspace_id = $1 AND profile_id = $2) AS moving,
              (SELECT COALESCE(max(ordinal), 0) AS ordinal
               FROM ${identifiers} WHERE workspace_id = $1 AND profile_id = $3) AS tail
         WHERE ident.workspace_id = $1 AND ident.type = moving.type AND ident.value = moving.value
         RETURNING ident.type, ident.value, ident.ordinal
       ), source AS (
         UPDATE ${profiles} SET merged_into = $3, version = version + 1, updated_at = $4
         WHERE workspace_id = $1 AND id = $2
         RETURNING id, traits, merged_into, created_at, updated_at, version
       ), target AS (
         UPDATE ${profiles} AS target
         SET traits = COALESCE($5::jsonb, source.traits || target.traits),
             version = target.version + 1, updated_at = $4
         FROM source
         WHERE target.workspace_id = $1 AND target.id = $3
         RETURNING target.id, target.traits, target.merged_into, target.created_at, target.updated_at,
                   target.version
       ), moved_json AS (
         SELECT COALESCE(json_agg(json_build_object('type', type, 'value', value) ORDER BY ordinal), '[]')::text AS list
         FROM moved
       )
       SELECT target.id, target.traits::text AS traits, target.merged_into, target.created_at,
              target.updated_at, target.version,
              (SELECT COALESCE(json_agg(json_build_object('type', t.type, 'value', t.value) ORDER BY t.ordinal), '[]')::text
               FROM (SELECT type, value, ordinal FROM ${identifiers} WHERE workspace_id = $1 AND profile_id = $3
                     UNION ALL SELECT type, value, ordinal FROM moved) AS t) AS identifiers,
              moved_json.list AS moved
       FROM target, moved_json
       UNION ALL
       SELECT source.id, source.traits::text, source.merged_into, source.created_at, source.updated_at,
              source.version, '[]', NULL
       FROM source`,
      [workspaceId, from, into, at, parsed.traits === undefined ? null : JSON.stringify(parsed.traits)],
    );
    const intoRow = result.rows.find((row) => row.id === into)!;
    const fromRow = result.rows.find((row) => row.id === from)!;
    return {
      into: toRecord(intoRow),
      from: toRecord(fromRow),
      movedIdentifiers: JSON.parse(intoRow.moved) as Identifier[],
    };
  };

  /**
   * {@link mergeLocked} for several pairs that share no profile, in one statement: the same
   * steps, set-based (each pair's moved identifiers are numbered after its own `into`'s last one).
   */
  const mergeDisjoint = async (
    client: Queryable,
    workspaceId: string,
    pairs: readonly ReturnType<typeof parseMergeInput>[],
  ): Promise<MergeResult[]> => {
    const at = clock.now();
    const result = await client.query<ProfileRow & { moved: string | null; pair: string | number }>(
      `WITH pairs AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS p(into_id, from_id, traits, ord)
       ), tail AS (
         SELECT p.into_id, COALESCE(max(i.ordinal), 0) AS ordinal
         FROM pairs p LEFT JOIN ${identifiers} i ON i.workspace_id = $1 AND i.profile_id = p.into_id
         GROUP BY p.into_id
       ), moving AS (
         SELECT i.type, i.value, p.into_id, row_number() OVER (PARTITION BY p.from_id ORDER BY i.ordinal) AS n
         FROM pairs p JOIN ${identifiers} i ON i.workspace_id = $1 AND i.profile_id = p.from_id
       ), moved AS (
         UPDATE ${identifiers} AS ident
         SET profile_id = moving.into_id, ordinal = tail.ordinal + moving.n
         FROM moving JOIN tail ON tail.into_id = moving.into_id
         WHERE ident.workspace_id = $1 AND ident.type = moving.type AND ident.value = moving.value
         RETURNING ident.type, ident.value, ident.ordinal, ident.profile_id
       ), source AS (
         UPDATE ${profiles} AS src SET merged_into = pairs.into_id, version = src.version + 1, updated_at = $5
         FROM pairs
         WHERE src.workspace_id = $1 AND src.id = pairs.from_id
         RETURNING src.id, src.traits, src.merged_into, src.created_at, src.updated_at, src.version, pairs.ord
       ), target AS (
         UPDATE ${profiles} AS target
         SET traits = COALESCE(pairs.traits::jsonb, source.traits || target.traits),
             version = target.version + 1, updated_at = $5
         FROM pairs JOIN source ON source.id = pairs.from_id
         WHERE target.workspace_id = $1 AND target.id = pairs.into_id
         RETURNING target.id, target.traits, target.merged_into, target.created_at, target.updated_at,
                   target.version, pairs.ord
       )
       SELECT target.id, target.traits::text AS traits, target.merged_into, target.created_at,
              target.updated_at, target.version, target.ord AS pair,
              (SELECT COALESCE(json_agg(json_build_object('type', t.type, 'value', t.value) ORDER BY t.ordinal), '[]')::text
               FROM (SELECT type, value, ordinal FROM ${identifiers} WHERE workspace_id = $1 AND profile_id = target.id
                     UNION ALL SELECT type, value, ordinal FROM moved WHERE moved.profile_id = target.id) AS t) AS identifiers,
              (SELECT COALESCE(json_agg(json_build_object('type', m.type, 'value', m.value) ORDER BY m.ordinal), '[]')::text
               FROM moved m WHERE m.profile_id = target.id) AS moved
       FROM target
       UNION ALL
       SELECT source.id, source.traits::text, source.merged_into, source.created_at, source.updated_at,
              source.version, source.ord, '[]', NULL
       FROM source`,
      [
        workspaceId,
        pairs.map((pair) => pair.into),
        pairs.map((pair) => pair.from),
        pairs.map((pair) => (pair.traits === undefined ? null : JSON.stringify(pair.traits))),
        at,
      ],
    );
    return pairs.map((pair) => {
      const intoRow = result.rows.find((row) => row.id === pair.into)!;
      const fromRow = result.rows.find((row) => row.id === pair.from)!;
      return {
        into: toRecord(intoRow),
        from: toRecord(fromRow),
        movedIdentifiers: JSON.parse(intoRow.moved!) as Identifier[],
      };
    });
  };

  /** Throws unless the locked (or read) row exists and is canonical, as the memory store does. */
  const assertCanonical = (row: { merged_into: string | null } | undefined, id: string, op: string) => {
    if (!row) throw new NotFoundError(`Profile ${id} not found`);
    if (row.merged_into !== null) {
      throw new ConflictError(`Cannot ${op} profile ${id}: it was merged into ${row.merged_into}`);
    }
  };

  /** The error for identifiers of `list` that `owners` says point at a profile other than `profileId`. */
  const identifierConflict = (
    list: readonly Identifier[],
    owners: Map<string, string>,
    profileId: string | null,
  ) => {
    const taken = list.find((identifier) => {
      const owner = owners.get(identifierKey(identifier));
      return owner !== undefined && owner !== profileId;
    });
    return new ConflictError(
      taken === undefined
        ? 'An identifier already points at another profile'
        : `Identifier ${identifierKey(taken)} already points at profile ${owners.get(identifierKey(taken))}`,
    );
  };

  const touch = (db: Queryable, workspaceId: string, id: string) =>
    db.query(
      `UPDATE ${profiles} SET version = version + 1, updated_at = $3 WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, clock.now()],
    );

  /**
   * Inserts profiles and their identifiers in one statement, so every one is stored or none is.
   * Retried on deadlock: two calls can take overlapping identifiers in opposite orders.
   */
  const insertProfiles = async (
    db: Queryable,
    workspaceId: string,
    parsed: readonly ReturnType<typeof parseCreateProfile>[],
  ): Promise<ProfileRecord[]> => {
    const ids = parsed.map((input) => input.id ?? newId());
    const all = parsed.flatMap((input) => input.identifiers);
    const owners = parsed.flatMap((input, index) => input.identifiers.map(() => ids[index]!));
    const ordinals = parsed.flatMap((input) => input.identifiers.map((_, position) => position + 1));
    const at = clock.now();
    try {
      await db.query(
        `WITH created AS (
           INSERT INTO ${profiles} (workspace_id, id, traits, merged_into, created_at, updated_at, version)
           SELECT $1, p.id, p.traits::jsonb, NULL, $4, $4, 1
           FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS p(id, traits, n)
           ORDER BY p.n
           RETURNING id
         ), linked AS (
           INSERT INTO ${identifiers} (workspace_id, type, value, profile_id, ordinal)
           SELECT $1, u.type, u.value, created.id, u.ordinal
           FROM unnest($5::text[], $6::text[], $7::text[], $8::bigint[]) AS u(type, value, owner, ordinal)
           JOIN created ON created.id = u.owner
         )
         SELECT count(*) FROM created`,
        [
          workspaceId,
          ids,
          parsed.map((input) => JSON.stringify(input.traits)),
          at,
          ...columnsOf(all),
          owners,
          ordinals,
        ],
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (constraintOf(error)?.startsWith('cx_profiles')) {
        throw new ConflictError(
          ids.length === 1 ? `Profile ${ids[0]} already exists` : 'A profile of the call already exists',
        );
      }
      // Only to name the identifier in the message; the conflict stands either way.
      // (Inside a commit the transaction is aborted by now, and the lookup fails quietly.)
      const taken = await ownersOf(db, workspaceId, all).catch(() => new Map<string, string>());
      throw identifierConflict(all, taken, null);
    }
    return parsed.map((input, index) => ({
      id: ids[index]!,
      identifiers: input.identifiers,
      traits: input.traits,
      mergedInto: null,
      createdAt: iso(at),
      updatedAt: iso(at),
      version: 1,
    }));
  };

  /** Points identifiers at a canonical profile, under its row lock. */
  const addIdentifiersOn = async (
    client: Queryable,
    workspaceId: string,
    id: string,
    parsed: Identifier[],
  ) => {
    assertCanonical(await lock(client, workspaceId, id), id, 'add identifiers to');
    const owners = await ownersOf(client, workspaceId, parsed);
    const added: Identifier[] = [];
    for (const identifier of parsed) {
      const owner = owners.get(identifierKey(identifier));
      if (owner === undefined) added.push(identifier);
      else if (owner !== id) throw identifierConflict([identifier], owners, id);
    }
    if (added.length > 0) {
      // DO NOTHING waits for a concurrent writer of the same identifier, then skips its row.
      const stored = await client.query<{ type: string; value: string }>(
        `INSERT INTO ${identifiers} (workspace_id, type, value, profile_id, ordinal)
         SELECT $1, u.type, u.value, $2, tail.ordinal + u.n
         FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS u(type, value, n),
              (SELECT COALESCE(max(ordinal), 0) AS ordinal FROM ${identifiers}
               WHERE workspace_id = $1 AND profile_id = $2) AS tail
         ON CONFLICT DO NOTHING
         RETURNING type, value`,
        [workspaceId, id, ...columnsOf(added)],
      );
      if (stored.rows.length < added.length) {
        // Another process took one of them after we looked; the rollback stores nothing.
        throw identifierConflict(added, await ownersOf(client, workspaceId, added), id);
      }
      await touch(client, workspaceId, id);
    }
  };

  /** Detaches identifiers from a profile, under its row lock. */
  const removeIdentifiersOn = async (
    client: Queryable,
    workspaceId: string,
    id: string,
    parsed: Identifier[],
  ) => {
    if (!(await lock(client, workspaceId, id))) throw new NotFoundError(`Profile ${id} not found`);
    if (parsed.length > 0) {
      const removed = await client.query(
        `DELETE FROM ${identifiers}
         WHERE workspace_id = $1 AND profile_id = $2
           AND (type, value) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
        [workspaceId, id, ...columnsOf(parsed)],
      );
      if ((removed.rowCount ?? 0) > 0) await touch(client, workspaceId, id);
    }
  };

  /** Sets and removes traits of a canonical profile; one statement on the happy path. */
  const patchTraitsOn = async (
    db: Queryable,
    workspaceId: string,
    parsed: ReturnType<typeof parseTraitPatch>,
  ): Promise<ProfileRecord> => {
    const id = parsed.profileId;
    // One statement on the happy path; the conditions are re-checked under the row lock.
    const result = await db.query<ProfileRow>(
      `WITH p AS (
         UPDATE ${profiles}
         SET traits = (traits || $3::jsonb) - $4::text[], version = version + 1, updated_at = $5
         WHERE workspace_id = $1 AND id = $2 AND merged_into IS NULL
           AND ($6::integer IS NULL OR version = $6::integer)
         RETURNING *
       )
       SELECT ${recordColumns('p')} FROM p`,
      [
        workspaceId,
        id,
        JSON.stringify(parsed.set),
        parsed.unset,
        clock.now(),
        parsed.expectedVersion ?? null,
      ],
    );
    const row = result.rows[0];
    if (row) return toRecord(row);
    // Nothing matched: say why, in the order the memory store checks.
    const current = (
      await db.query<{ merged_into: string | null; version: number }>(
        `SELECT merged_into, version FROM ${profiles} WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      )
    ).rows[0];
    assertCanonical(current, id, 'patch traits of');
    throw new ConflictError(`Profile ${id} is at version ${current!.version}, not ${parsed.expectedVersion}`);
  };

  /**
   * Several trait patches of distinct profiles in one statement (a commit's run of patches).
   * When a profile is missing, merged away or at another version, the error is the one a lone
   * patch of it would raise.
   */
  const patchManyOn = async (
    db: Queryable,
    workspaceId: string,
    patches: readonly ReturnType<typeof parseTraitPatch>[],
  ): Promise<void> => {
    const ids = patches.map((patch) => patch.profileId);
    if (new Set(ids).size < ids.length || patches.length === 1) {
      for (const patch of patches) await patchTraitsOn(db, workspaceId, patch);
      return;
    }
    // In id order, so two commits patching the same profiles lock them in the same order.
    const sorted = [...patches].sort((a, b) => (a.profileId < b.profileId ? -1 : 1));
    const result = await db.query<{ id: string }>(
      `UPDATE ${profiles} AS p
       SET traits = (p.traits || u.patch::jsonb) - ARRAY(SELECT jsonb_array_elements_text(u.unset::jsonb)),
           version = p.version + 1, updated_at = $6
       FROM unnest($2::text[], $3::text[], $4::text[], $5::integer[]) AS u(id, patch, unset, expected)
       WHERE p.workspace_id = $1 AND p.id = u.id AND p.merged_into IS NULL
         AND (u.expected IS NULL OR p.version = u.expected)
       RETURNING p.id`,
      [
        workspaceId,
        sorted.map((patch) => patch.profileId),
        sorted.map((patch) => JSON.stringify(patch.set)),
        sorted.map((patch) => JSON.stringify(patch.unset)),
        sorted.map((patch) => patch.expectedVersion ?? null),
        clock.now(),
      ],
    );
    if (result.rows.length === patches.length) return;
    const patched = new Set(result.rows.map((row) => row.id));
    // Each missed patch alone raises its own error (the caller rolls the transaction back).
    for (const patch of patches)
      if (!patched.has(patch.profileId)) await patchTraitsOn(db, workspaceId, patch);
  };

  /** Merges in order, every profile of the call locked up front in id order. */
  const mergeManyOn = async (
    client: Queryable,
    workspaceId: string,
    parsed: ReturnType<typeof parseMergeInputs>,
  ): Promise<MergeResult[]> => {
    // Every profile of the call is locked up front, in id order, so calls never deadlock.
    const ids = [...new Set(parsed.flatMap((merge) => [merge.into, merge.from]))];
    const locked = await lockProfiles(client, workspaceId, ids);
    const state = new Map(locked.rows.map((row) => [row.id, row]));
    // Merges of distinct profiles do not see each other: one statement does them all.
    if (ids.length === parsed.length * 2) {
      for (const merge of parsed) {
        assertCanonical(state.get(merge.into), merge.into, 'merge into');
        assertCanonical(state.get(merge.from), merge.from, 'merge');
      }
      return mergeDisjoint(client, workspaceId, parsed);
    }
    const results: MergeResult[] = [];
    for (const merge of parsed) {
      assertCanonical(state.get(merge.into), merge.into, 'merge into');
      assertCanonical(state.get(merge.from), merge.from, 'merge');
      results.push(await mergeLocked(client, workspaceId, merge));
      state.set(merge.from, { id: merge.from, merged_into: merge.into });
    }
    return results;
  };

  /** Undoes a merge, both profiles locked in id order. */
  const unmergeOn = async (
    client: Queryable,
    workspaceId: string,
    parsed: ReturnType<typeof parseUnmergeInput>,
  ): Promise<UnmergeResult> => {
    const { into, from } = parsed;
    const state = await lockPair(client, workspaceId, into, from);
    assertCanonical(state.get(into), into, 'unmerge from');
    const merged = state.get(from);
    if (!merged) throw new NotFoundError(`Profile ${from} not found`);
    if (merged.merged_into !== into) throw new ConflictError(`Profile ${from} is not merged into ${into}`);
    // The two lists must be exactly what `into` holds now, or the caller read stale state.
    const held = await client.query<{ type: string; value: string }>(
      `SELECT type, value FROM ${identifiers} WHERE workspace_id = $1 AND profile_id = $2`,
      [workspaceId, into],
    );
    const heldKeys = new Set(held.rows.map(identifierKey));
    const given = [...parsed.intoIdentifiers, ...parsed.fromIdentifiers];
    if (
      given.length !== heldKeys.size ||
      given.some((identifier) => !heldKeys.has(identifierKey(identifier)))
    ) {
      throw new ConflictError(`The identifiers of profile ${into} changed; read it again`);
    }
    // Each identifier gets its owner and its position in the list it was given in.
    if (given.length > 0) {
      await client.query(
        `UPDATE ${identifiers} AS ident SET profile_id = u.owner, ordinal = u.n
         FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS u(type, value, owner, n)
         WHERE ident.workspace_id = $1 AND ident.type = u.type AND ident.value = u.value`,
        [
          workspaceId,
          ...columnsOf(given),
          given.map((_, index) => (index < parsed.intoIdentifiers.length ? into : from)),
          given.map((_, index) =>
            index < parsed.intoIdentifiers.length ? index + 1 : index - parsed.intoIdentifiers.length + 1,
          ),
        ],
      );
    }
    await client.query(
      `UPDATE ${profiles} AS p
       SET traits = CASE WHEN p.id = $2 THEN $4::jsonb ELSE $5::jsonb END,
           merged_into = NULL, version = p.version + 1, updated_at = $6
       WHERE p.workspace_id = $1 AND p.id IN ($2, $3)`,
      [
        workspaceId,
        into,
        from,
        JSON.stringify(parsed.intoTraits),
        JSON.stringify(parsed.fromTraits),
        clock.now(),
      ],
    );
    const records = await readRecords(client, workspaceId, [into, from]);
    return { into: records.get(into)!, from: records.get(from)! };
  };

  /**
   * A commit's profile writes, in order, on the commit's transaction. Consecutive creates go in
   * one statement and consecutive merges in one locked batch.
   */
  const applyWrites = async (
    client: Queryable,
    workspaceId: string,
    writes: readonly ParsedProfileWrite[],
  ): Promise<void> => {
    for (let start = 0; start < writes.length; ) {
      const write = writes[start]!;
      let end = start + 1;
      while (end < writes.length && writes[end]!.op === write.op) end++;
      const run = writes.slice(start, end);
      start = end;
      if (write.op === 'create') {
        await insertProfiles(
          client,
          workspaceId,
          run.map((w) => (w as typeof write).profile),
        );
      } else if (write.op === 'merge') {
        await mergeManyOn(
          client,
          workspaceId,
          run.map((w) => (w as typeof write).merge),
        );
      } else if (write.op === 'patchTraits') {
        await patchManyOn(
          client,
          workspaceId,
          run.map((w) => (w as typeof write).patch),
        );
      } else {
        for (const each of run) {
          if (each.op === 'addIdentifiers')
            await addIdentifiersOn(client, workspaceId, each.profileId, each.identifiers);
          else if (each.op === 'removeIdentifiers')
            await removeIdentifiersOn(client, workspaceId, each.profileId, each.identifiers);
          else if (each.op === 'patchTraits') await patchTraitsOn(client, workspaceId, each.patch);
          else if (each.op === 'unmerge') await unmergeOn(client, workspaceId, each.unmerge);
        }
      }
    }
  };

  const store: ProfileStore = {
    async create(workspaceId, input) {
      const parsed = parseCreateProfile(workspaceId, input);
      const [record] = await withRetry('profiles.create', () => insertProfiles(pool, workspaceId, [parsed]));
      return record!;
    },

    async createMany(workspaceId, inputs) {
      const parsed = parseCreateProfiles(workspaceId, inputs);
      if (parsed.length === 0) return [];
      return withRetry('profiles.createMany', () => insertProfiles(pool, workspaceId, parsed));
    },

    async get(workspaceId, profileId) {
      const id = parseId(workspaceId, profileId, 'profile id');
      const records = await guard('profiles.get', () => readRecords(pool, workspaceId, [id]));
      return records.get(id) ?? null;
    },

    async getMany(workspaceId, profileIds) {
      const ids = [...new Set(parseIds(workspaceId, profileIds, 'profile ids'))];
      if (ids.length === 0) return [];
      const records = await guard('profiles.getMany', () => readRecords(pool, workspaceId, ids));
      return ids.flatMap((id) => {
        const record = records.get(id);
        return record ? [record] : [];
      });
    },

    async findByIdentifier(workspaceId, identifier) {
      assertWorkspaceId(workspaceId);
      const [parsed] = parseIdentifiers([identifier]);
      const result = await guard('profiles.findByIdentifier', () =>
        pool.query<ProfileRow>(
          `SELECT ${recordColumns('p')}
           FROM ${identifiers} link
           JOIN ${profiles} p ON p.workspace_id = link.workspace_id AND p.id = link.profile_id
           WHERE link.workspace_id = $1 AND link.type = $2 AND link.value = $3`,
          [workspaceId, parsed!.type, parsed!.value],
        ),
      );
      const row = result.rows[0];
      return row ? toRecord(row) : null;
    },

    async lookupIdentifiers(workspaceId, list) {
      assertWorkspaceId(workspaceId);
      const parsed = parseIdentifiers(list);
      return guard('profiles.lookupIdentifiers', () => ownersOf(pool, workspaceId, parsed));
    },

    async addIdentifiers(workspaceId, profileId, list) {
      const id = parseId(workspaceId, profileId, 'profile id');
      const parsed = parseIdentifiers(list);
      return inTransaction(pool, 'profiles.addIdentifiers', async (client) => {
        await addIdentifiersOn(client, workspaceId, id, parsed);
        return readRecord(client, workspaceId, id);
      });
    },

    async removeIdentifiers(workspaceId, profileId, list) {
      const id = parseId(workspaceId, profileId, 'profile id');
      const parsed = parseIdentifiers(list);
      return inTransaction(pool, 'profiles.removeIdentifiers', async (client) => {
        await removeIdentifiersOn(client, workspaceId, id, parsed);
        return readRecord(client, workspaceId, id);
      });
    },

    async patchTraits(workspaceId, profileId, patch) {
      const parsed = parseTraitPatch(workspaceId, profileId, patch);
      return guard('profiles.patchTraits', () => patchTraitsOn(pool, workspaceId, parsed));
    },

    async merge(workspaceId, input) {
      const parsed = parseMergeInput(workspaceId, input);
      const { into, from } = parsed;
      return inTransaction(pool, 'profiles.merge', async (client) => {
        const state = await lockPair(client, workspaceId, into, from);
        assertCanonical(state.get(into), into, 'merge into');
        assertCanonical(state.get(from), from, 'merge');
        return mergeLocked(client, workspaceId, parsed);
      });
    },

    async mergeMany(workspaceId, inputs) {
      const parsed = parseMergeInputs(workspaceId, inputs);
      if (parsed.length === 0) return [];
      return inTransaction(pool, 'profiles.mergeMany', (client) => mergeManyOn(client, workspaceId, parsed));
    },

    async unmerge(workspaceId, input) {
      const parsed = parseUnmergeInput(workspaceId, input);
      return inTransaction(pool, 'profiles.unmerge', (client) => unmergeOn(client, workspaceId, parsed));
    },

    async members(workspaceId, profileId) {
      const id = parseId(workspaceId, profileId, 'profile id');
      const result = await guard('profiles.members', () =>
        pool.query<{ id: string }>(
          `WITH RECURSIVE member(id) AS (
             SELECT id FROM ${profiles} WHERE workspace_id = $1 AND id = $2
             UNION ALL
             SELECT p.id FROM ${profiles} p JOIN member ON p.merged_into = member.id WHERE p.workspace_id = $1
           )
           SELECT id FROM member`,
          [workspaceId, id],
        ),
      );
      if (result.rows.length === 0) throw new NotFoundError(`Profile ${id} not found`);
      return result.rows.map((row) => row.id);
    },

    async list(workspaceId, query) {
      const q = parseListQuery(workspaceId, query);
      const after = q.cursor === null ? '' : (decodeCursor(q.cursor, { id: 'string' }).id as string);
      const result = await guard('profiles.list', () =>
        pool.query<ProfileRow>(
          `SELECT ${recordColumns('p')} FROM ${profiles} p
           WHERE p.workspace_id = $1 AND p.merged_into IS NULL AND p.id > $2
           ORDER BY p.id LIMIT $3`,
          [workspaceId, after, q.limit + 1],
        ),
      );
      const page = result.rows.slice(0, q.limit).map(toRecord);
      return {
        items: page,
        nextCursor: result.rows.length > q.limit ? encodeCursor({ id: page[page.length - 1]!.id }) : null,
      };
    },

    async delete(workspaceId, profileId) {
      const id = parseId(workspaceId, profileId, 'profile id');
      return inTransaction(pool, 'profiles.delete', async (client) => {
        // Holding the root's lock keeps merges into it out until the tree is gone.
        if (!(await lock(client, workspaceId, id))) return [];
        const deleted = await client.query<{ id: string }>(
          `WITH RECURSIVE member(id) AS (
             SELECT id FROM ${profiles} WHERE workspace_id = $1 AND id = $2
             UNION ALL
             SELECT p.id FROM ${profiles} p JOIN member ON p.merged_into = member.id WHERE p.workspace_id = $1
           ), unlinked AS (
             DELETE FROM ${identifiers} ident USING member
             WHERE ident.workspace_id = $1 AND ident.profile_id = member.id
           )
           DELETE FROM ${profiles} p USING member
           WHERE p.workspace_id = $1 AND p.id = member.id
           RETURNING p.id`,
          [workspaceId, id],
        );
        return deleted.rows.map((row) => row.id);
      });
    },
  };
  return { store, applyWrites };
}
