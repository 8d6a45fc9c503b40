import {
  ConflictError,
  type DocumentStore,
  decodeCursor,
  encodeCursor,
  parseDocumentAddress,
  parseDocumentKeys,
  parseDocumentList,
  parseDocumentPut,
  parseDocumentPutMany,
  type StoredDocument,
} from '@cx/core';
import type { PoolClient } from 'pg';
import type { PostgresContext } from './context';
import { guard } from './errors';
import { inTransaction, withRetry } from './transaction';

interface DocumentRow {
  key: string;
  value: string;
  version: string | number;
  updated_at: string | number;
}

const toDocument = <T>(collection: string, row: DocumentRow): StoredDocument<T> => ({
  collection,
  key: row.key,
  value: JSON.parse(row.value) as T,
  version: Number(row.version),
  updatedAt: new Date(Number(row.updated_at)).toISOString(),
});

/** The `CONFLICT` of a `putMany` whose expectation failed: names the first document not written. */
function conflict(
  inputs: readonly { collection: string; key: string; expectedVersion?: number }[],
  written: ReadonlyMap<string, number>,
): ConflictError {
  const failed = inputs.find(
    (input) => input.expectedVersion !== undefined && !written.has(address(input.collection, input.key)),
  )!;
  return new ConflictError(
    `Document ${failed.collection}/${failed.key} is not at version ${failed.expectedVersion}; nothing was written`,
  );
}

type ParsedPuts = ReturnType<typeof parseDocumentPutMany>;
const address = (collection: string, key: string) => `${collection}\u0000${key}`;

/** What `putMany` and `commit` return: the inputs as stored, with their new versions. */
export function storedDocuments<T>(
  parsed: ParsedPuts,
  versions: ReadonlyMap<string, number>,
  at: number,
): StoredDocument<T>[] {
  const updatedAt = new Date(at).toISOString();
  return parsed.map(
    (input): StoredDocument<T> =>
      input.stored<T>(versions.get(address(input.collection, input.key))!, updatedAt),
  );
}

/**
 * Writes validated documents with `client`: updates guarded by their expected version, creates
 * that must not exist, and overwrites. Throws `CONFLICT` when an expectation fails, so run it in
 * a transaction unless every input is an overwrite (then it is one statement). Returns the new
 * version of each document by address.
 */
export async function writeDocuments(
  client: Pick<PoolClient, 'query'>,
  documents: string,
  workspaceId: string,
  parsed: ParsedPuts,
  at: number,
): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  if (parsed.length === 0) return versions;
  // Rows go in (collection, key) order, so concurrent calls lock shared rows in one order.
  const group = (keep: (expected: number | undefined) => boolean) => {
    const picked = parsed
      .filter((input) => keep(input.expectedVersion))
      .sort((a, b) =>
        a.collection < b.collection
          ? -1
          : a.collection > b.collection
            ? 1
            : a.key < b.key
              ? -1
              : a.key > b.key
                ? 1
                : 0,
      );
    return {
      size: picked.length,
      params: [
        workspaceId,
        picked.map((input) => input.collection),
        picked.map((input) => input.key),
        picked.map((input) => input.json),
        at,
        picked.map((input) => input.expectedVersion ?? 0),
      ],
    };
  };
  const rows = `unnest($2::text[], $3::text[], $4::text[], $6::bigint[]) WITH ORDINALITY AS i(collection, key, value, expected, ord)`;
  const upsert = (onConflict: string) =>
    `INSERT INTO ${documents} AS doc (workspace_id, collection, key, value, version, updated_at)
     SELECT $1, i.collection, i.key, i.value::jsonb, 1, $5 FROM ${rows} ORDER BY i.ord
     ${onConflict}
     RETURNING collection, key, version`;
  const run = async (text: string, rowsOf: ReturnType<typeof group>) => {
    const result = await client.query<{ collection: string; key: string; version: string | number }>(
      text,
      rowsOf.params,
    );
    for (const row of result.rows) versions.set(address(row.collection, row.key), Number(row.version));
    return result.rows.length;
  };
  const update = group((expected) => expected !== undefined && expected > 0);
  if (update.size > 0) {
    const updated = await run(
      `UPDATE ${documents} AS doc SET value = i.value::jsonb, version = doc.version + 1, updated_at = $5
       FROM ${rows}
       WHERE doc.workspace_id = $1 AND doc.collection = i.collection AND doc.key = i.key
         AND doc.version = i.expected
       RETURNING doc.collection, doc.key, doc.version`,
      update,
    );
    if (updated < update.size) throw conflict(parsed, versions);
  }
  const create = group((expected) => expected === 0);
  if (create.size > 0) {
    const created = await run(upsert('ON CONFLICT (workspace_id, collection, key) DO NOTHING'), create);
    if (created < create.size) throw conflict(parsed, versions);
  }
  const overwrite = group((expected) => expected === undefined);
  if (overwrite.size > 0) {
    await run(
      upsert(`ON CONFLICT (workspace_id, collection, key) DO UPDATE
         SET value = EXCLUDED.value, version = doc.version + 1, updated_at = EXCLUDED.updated_at`),
      overwrite,
    );
  }
  return versions;
}

/** Escapes `%`, `_` and `\` so a prefix matches literally in `LIKE prefix%`. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * The PostgreSQL {@link DocumentStore}: one row per (workspace, collection, key) in
 * `cx_documents`. A put with `expectedVersion` is a single conditional statement (an insert that
 * does nothing on conflict for version 0, an update guarded by the version otherwise), so of
 * concurrent writers with the same expectation exactly one wins, across processes too.
 */
export function postgresDocumentStore({ pool, clock, tables }: PostgresContext): DocumentStore {
  const { documents } = tables;
  const columns = 'key, value::text AS value, version, updated_at';

  const currentVersion = async (workspaceId: string, collection: string, key: string) => {
    const result = await pool.query<{ version: number }>(
      `SELECT version FROM ${documents} WHERE workspace_id = $1 AND collection = $2 AND key = $3`,
      [workspaceId, collection, key],
    );
    return Number(result.rows[0]?.version ?? 0);
  };

  return {
    async get<T>(workspaceId: string, collection: string, key: string) {
      const address = parseDocumentAddress(workspaceId, collection, key);
      const result = await guard('documents.get', () =>
        pool.query<DocumentRow>(
          `SELECT ${columns} FROM ${documents} WHERE workspace_id = $1 AND collection = $2 AND key = $3`,
          [workspaceId, address.collection, address.key],
        ),
      );
      const row = result.rows[0];
      return row ? toDocument<T>(address.collection, row) : null;
    },

    async getMany<T>(workspaceId: string, collection: string, keys: readonly string[]) {
      const parsed = parseDocumentKeys(workspaceId, collection, keys);
      if (parsed.keys.length === 0) return [];
      const result = await guard('documents.getMany', () =>
        pool.query<DocumentRow>(
          // One primary-key probe per key: O(keys). With `key = ANY(...)` the planner may scan
          // the whole collection when statistics lag behind a growing table.
          `SELECT doc.* FROM unnest($3::text[]) AS wanted(key)
           CROSS JOIN LATERAL (
             SELECT ${columns} FROM ${documents}
             WHERE workspace_id = $1 AND collection = $2 AND key = wanted.key
             LIMIT 1
           ) doc`,
          [workspaceId, parsed.collection, parsed.keys],
        ),
      );
      const byKey = new Map(result.rows.map((row) => [row.key, row]));
      // In the order asked for, as the reference store returns them.
      return parsed.keys.flatMap((key) => {
        const row = byKey.get(key);
        return row ? [toDocument<T>(parsed.collection, row)] : [];
      });
    },

    async put<T>(workspaceId: string, input: unknown) {
      const parsed = parseDocumentPut(workspaceId, input);
      const at = clock.now();
      const params = [workspaceId, parsed.collection, parsed.key, parsed.json, at];
      const version = await guard('documents.put', async () => {
        let text: string;
        if (parsed.expectedVersion === undefined) {
          text = `INSERT INTO ${documents} AS doc (workspace_id, collection, key, value, version, updated_at)
                  VALUES ($1, $2, $3, $4::jsonb, 1, $5)
                  ON CONFLICT (workspace_id, collection, key) DO UPDATE
                  SET value = EXCLUDED.value, version = doc.version + 1, updated_at = EXCLUDED.updated_at
                  RETURNING version`;
        } else if (parsed.expectedVersion === 0) {
          text = `INSERT INTO ${documents} (workspace_id, collection, key, value, version, updated_at)
                  VALUES ($1, $2, $3, $4::jsonb, 1, $5)
                  ON CONFLICT (workspace_id, collection, key) DO NOTHING
                  RETURNING version`;
        } else {
          params.push(parsed.expectedVersion);
          text = `UPDATE ${documents} SET value = $4::jsonb, version = version + 1, updated_at = $5
                  WHERE workspace_id = $1 AND collection = $2 AND key = $3 AND version = $6
                  RETURNING version`;
        }
        const result = await pool.query<{ version: number }>(text, params);
        const row = result.rows[0];
        if (row) return Number(row.version);
        const current = await currentVersion(workspaceId, parsed.collection, parsed.key);
        throw new ConflictError(
          `Document ${parsed.collection}/${parsed.key} is at version ${current}, not ${parsed.expectedVersion}`,
        );
      });
      return {
        collection: parsed.collection,
        key: parsed.key,
        value: parsed.value as T,
        version,
        updatedAt: new Date(at).toISOString(),
      };
    },

    async putMany<T>(workspaceId: string, inputs: unknown) {
      const parsed = parseDocumentPutMany(workspaceId, inputs);
      if (parsed.length === 0) return [];
      const at = clock.now();
      const versions = parsed.every((input) => input.expectedVersion === undefined)
        ? // One statement is atomic on its own: no transaction, one round trip.
          await withRetry('documents.putMany', () => writeDocuments(pool, documents, workspaceId, parsed, at))
        : await inTransaction(pool, 'documents.putMany', (client) =>
            writeDocuments(client, documents, workspaceId, parsed, at),
          );
      return storedDocuments<T>(parsed, versions, at);
    },

    async delete(workspaceId, collection, key) {
      const address = parseDocumentAddress(workspaceId, collection, key);
      const result = await guard('documents.delete', () =>
        pool.query(`DELETE FROM ${documents} WHERE workspace_id = $1 AND collection = $2 AND key = $3`, [
          workspaceId,
          address.collection,
          address.key,
        ]),
      );
      return (result.rowCount ?? 0) > 0;
    },

    async list<T>(workspaceId: string, collection: string, query?: unknown) {
      const q = parseDocumentList(workspaceId, collection, query);
      const after = q.cursor === null ? null : (decodeCursor(q.cursor, { key: 'string' }).key as string);
      const params: unknown[] = [workspaceId, q.collection, likePrefix(q.prefix), q.limit + 1];
      const afterClause = after === null ? '' : `AND key > $${params.push(after)}`;
      const result = await guard('documents.list', () =>
        pool.query<DocumentRow>(
          `SELECT ${columns} FROM ${documents}
           WHERE workspace_id = $1 AND collection = $2 AND key LIKE $3 ${afterClause}
           ORDER BY key LIMIT $4`,
          params,
        ),
      );
      const page = result.rows.slice(0, q.limit);
      return {
        items: page.map((row) => toDocument<T>(q.collection, row)),
        nextCursor: result.rows.length > q.limit ? encodeCursor({ key: page[page.length - 1]!.key }) : null,
      };
    },
  } as DocumentStore;
}
