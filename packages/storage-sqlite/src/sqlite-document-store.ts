import {
  type Clock,
  ConflictError,
  type DocumentStore,
  decodeCursor,
  encodeCursor,
  type PutDocumentInput,
  parseDocumentAddress,
  parseDocumentKeys,
  parseDocumentList,
  parseDocumentPut,
  parseDocumentPutMany,
  type StoredDocument,
} from '@cx/core';
import type { Database } from 'better-sqlite3';
import { guard } from './adapter-error';
import { prepare } from './prepare';

interface DocumentRow {
  key: string;
  value: string;
  version: number;
  updated_at: number;
}

const toDocument = <T>(collection: string, row: DocumentRow): StoredDocument<T> => ({
  collection,
  key: row.key,
  value: JSON.parse(row.value) as T,
  version: row.version,
  updatedAt: new Date(row.updated_at).toISOString(),
});

/**
 * The {@link DocumentStore} on SQLite: one row per document, keyed by workspace, collection and
 * key. A put with `expectedVersion` reads and writes in one immediate transaction, which makes
 * it a compare-and-set.
 */
export function sqliteDocumentStore(db: Database, options: { clock: Clock }): DocumentStore {
  return sqliteDocuments(db, options).store;
}

/** The document store and the transaction `commit` runs its documents in. */
export interface SqliteDocuments {
  store: DocumentStore;
  /** Checks every expectation, then writes; throws `CONFLICT` first. Runs inside the caller's transaction. */
  writeMany(
    workspaceId: string,
    inputs: ReturnType<typeof parseDocumentPutMany>,
  ): { versions: number[]; at: number };
}

/** {@link sqliteDocumentStore} with the hook `commit` needs. */
export function sqliteDocuments(db: Database, { clock }: { clock: Clock }): SqliteDocuments {
  const select = prepare<[string, string, string], DocumentRow>(
    db,
    'SELECT key, value, version, updated_at FROM cx_documents WHERE workspace_id = ? AND collection = ? AND key = ?',
  );
  const selectVersion = prepare<[string, string, string], number>(
    db,
    'SELECT version FROM cx_documents WHERE workspace_id = ? AND collection = ? AND key = ?',
  ).pluck();
  const upsert = prepare<[string, string, string, string, number, number]>(
    db,
    `INSERT INTO cx_documents (workspace_id, collection, key, value, version, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (workspace_id, collection, key)
     DO UPDATE SET value = excluded.value, version = excluded.version, updated_at = excluded.updated_at`,
  );
  const remove = prepare<[string, string, string]>(
    db,
    'DELETE FROM cx_documents WHERE workspace_id = ? AND collection = ? AND key = ?',
  );
  // `key >= prefix` bounds the index range; the substr test keeps exactly the keys that start with it.
  const selectPage = prepare<
    [{ workspace: string; collection: string; prefix: string; after: string; limit: number }],
    DocumentRow
  >(
    db,
    `SELECT key, value, version, updated_at FROM cx_documents
     WHERE workspace_id = @workspace AND collection = @collection
       AND key > @after AND key >= @prefix AND substr(key, 1, length(@prefix)) = @prefix
     ORDER BY key LIMIT @limit`,
  );

  const getMany = db.transaction((workspaceId: string, collection: string, keys: string[]) => {
    const out: DocumentRow[] = [];
    for (const key of keys) {
      const row = select.get(workspaceId, collection, key);
      if (row) out.push(row);
    }
    return out;
  });

  const put = db.transaction((workspaceId: string, input: ReturnType<typeof parseDocumentPut>) => {
    const current = selectVersion.get(workspaceId, input.collection, input.key) ?? 0;
    if (input.expectedVersion !== undefined && current !== input.expectedVersion) {
      throw new ConflictError(
        `Document ${input.collection}/${input.key} is at version ${current}, not ${input.expectedVersion}`,
      );
    }
    const at = clock.now();
    upsert.run(workspaceId, input.collection, input.key, input.json, current + 1, at);
    return { version: current + 1, at };
  });

  // Every expectation is checked before the first write, so a conflict writes nothing even
  // before the transaction rolls back; one commit for the whole set.
  const writeRows = (workspaceId: string, inputs: ReturnType<typeof parseDocumentPutMany>) => {
    const versions = inputs.map((input) => {
      const current = selectVersion.get(workspaceId, input.collection, input.key) ?? 0;
      if (input.expectedVersion !== undefined && current !== input.expectedVersion) {
        throw new ConflictError(
          `Document ${input.collection}/${input.key} is at version ${current}, not ${input.expectedVersion}`,
        );
      }
      return current + 1;
    });
    const at = clock.now();
    inputs.forEach((input, index) => {
      upsert.run(workspaceId, input.collection, input.key, input.json, versions[index]!, at);
    });
    return { versions, at };
  };
  const putMany = db.transaction(writeRows);

  const store: DocumentStore = {
    async get<T>(workspaceId: string, collection: string, key: string) {
      return guard('documents.get', () => {
        const address = parseDocumentAddress(workspaceId, collection, key);
        const row = select.get(workspaceId, address.collection, address.key);
        return row ? toDocument<T>(address.collection, row) : null;
      });
    },

    async getMany<T>(workspaceId: string, collection: string, keys: readonly string[]) {
      return guard('documents.getMany', () => {
        const parsed = parseDocumentKeys(workspaceId, collection, keys);
        return getMany(workspaceId, parsed.collection, parsed.keys).map((row) =>
          toDocument<T>(parsed.collection, row),
        );
      });
    },

    async put<T>(workspaceId: string, input: PutDocumentInput<T>) {
      return guard('documents.put', () => {
        const parsed = parseDocumentPut(workspaceId, input);
        const written = put.immediate(workspaceId, parsed);
        return parsed.stored<T>(written.version, new Date(written.at).toISOString());
      });
    },

    async putMany<T>(workspaceId: string, inputs: readonly PutDocumentInput<T>[]) {
      return guard('documents.putMany', () => {
        const parsed = parseDocumentPutMany(workspaceId, inputs);
        if (parsed.length === 0) return [];
        const written = putMany.immediate(workspaceId, parsed);
        const updatedAt = new Date(written.at).toISOString();
        return parsed.map((input, index) => input.stored<T>(written.versions[index]!, updatedAt));
      });
    },

    async delete(workspaceId: string, collection: string, key: string) {
      return guard('documents.delete', () => {
        const address = parseDocumentAddress(workspaceId, collection, key);
        return remove.run(workspaceId, address.collection, address.key).changes > 0;
      });
    },

    async list<T>(workspaceId: string, collection: string, query?: unknown) {
      return guard('documents.list', () => {
        const q = parseDocumentList(workspaceId, collection, query);
        const after = q.cursor === null ? '' : (decodeCursor(q.cursor, { key: 'string' }).key as string);
        const rows = selectPage.all({
          workspace: workspaceId,
          collection: q.collection,
          prefix: q.prefix,
          after,
          limit: q.limit + 1,
        });
        const page = rows.slice(0, q.limit);
        return {
          items: page.map((row) => toDocument<T>(q.collection, row)),
          nextCursor: rows.length > q.limit ? encodeCursor({ key: page[page.length - 1]!.key }) : null,
        };
      });
    },
  };
  // Inside a commit's transaction: no savepoint of its own.
  return { store, writeMany: writeRows };
}
