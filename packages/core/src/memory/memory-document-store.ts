import type { Clock } from '../clock/clock';
import { ConflictError } from '../errors/errors';
import { compareKeys } from '../ports/compare-keys';
import { decodeCursor, encodeCursor } from '../ports/cursor';
import type { DocumentStore, StoredDocument } from '../ports/document-store';
import {
  parseDocumentAddress,
  parseDocumentKeys,
  parseDocumentList,
  parseDocumentPut,
  parseDocumentPutMany,
} from '../ports/inputs';

type ParsedPut = ReturnType<typeof parseDocumentPut>;

interface Row {
  json: string;
  version: number;
  updatedAt: string;
}

/** The memory document store's internals that `commit` uses to check and write in one step. */
export interface MemoryDocuments {
  store: DocumentStore;
  /** Throws `CONFLICT` unless every expectation holds; changes nothing. */
  check(workspaceId: string, inputs: readonly ParsedPut[]): void;
  /** Writes checked documents. */
  write(workspaceId: string, inputs: readonly ParsedPut[]): StoredDocument[];
}

/** The reference {@link DocumentStore}. Values are kept as JSON text, as a SQL column would. */
export function memoryDocumentStore(options: { clock: Clock }): DocumentStore {
  return memoryDocuments(options).store;
}

/** The reference document store, with the hooks `commit` needs. */
export function memoryDocuments({ clock }: { clock: Clock }): MemoryDocuments {
  // workspace → collection → key → row
  const spaces = new Map<string, Map<string, Map<string, Row>>>();

  const collectionOf = (workspaceId: string, collection: string, create: boolean) => {
    let space = spaces.get(workspaceId);
    if (!space) {
      if (!create) return undefined;
      space = new Map();
      spaces.set(workspaceId, space);
    }
    let rows = space.get(collection);
    if (!rows && create) {
      rows = new Map();
      space.set(collection, rows);
    }
    return rows;
  };

  const toDocument = <T>(collection: string, key: string, row: Row): StoredDocument<T> => ({
    collection,
    key,
    value: JSON.parse(row.json) as T,
    version: row.version,
    updatedAt: row.updatedAt,
  });

  /** Throws `CONFLICT` unless the stored version is the one the input expects (0: absent). */
  const assertExpectedVersion = (workspaceId: string, input: ParsedPut) => {
    const current = collectionOf(workspaceId, input.collection, false)?.get(input.key)?.version ?? 0;
    if (input.expectedVersion !== undefined && current !== input.expectedVersion) {
      throw new ConflictError(
        `Document ${input.collection}/${input.key} is at version ${current}, not ${input.expectedVersion}`,
      );
    }
  };

  /** Stores one validated document as the next version. */
  const write = <T>(workspaceId: string, input: ParsedPut, updatedAt: string): StoredDocument<T> => {
    const rows = collectionOf(workspaceId, input.collection, true)!;
    const row: Row = {
      json: input.json,
      version: (rows.get(input.key)?.version ?? 0) + 1,
      updatedAt,
    };
    rows.set(input.key, row);
    // The value is parsed from the JSON only if the caller reads it.
    return input.stored<T>(row.version, updatedAt);
  };

  const store = {
    async get<T>(workspaceId: string, collection: string, key: string) {
      const address = parseDocumentAddress(workspaceId, collection, key);
      const row = collectionOf(workspaceId, address.collection, false)?.get(address.key);
      return row ? toDocument<T>(address.collection, address.key, row) : null;
    },

    async getMany<T>(workspaceId: string, collection: string, keys: readonly string[]) {
      const parsed = parseDocumentKeys(workspaceId, collection, keys);
      const rows = collectionOf(workspaceId, parsed.collection, false);
      const out: StoredDocument<T>[] = [];
      for (const key of parsed.keys) {
        const row = rows?.get(key);
        if (row) out.push(toDocument<T>(parsed.collection, key, row));
      }
      return out;
    },

    async put<T>(workspaceId: string, input: unknown) {
      const parsed = parseDocumentPut(workspaceId, input);
      assertExpectedVersion(workspaceId, parsed);
      return write<T>(workspaceId, parsed, new Date(clock.now()).toISOString());
    },

    async putMany<T>(workspaceId: string, inputs: unknown) {
      const parsed = parseDocumentPutMany(workspaceId, inputs);
      // Check every expectation first, so a conflict leaves the store untouched.
      for (const input of parsed) assertExpectedVersion(workspaceId, input);
      const updatedAt = new Date(clock.now()).toISOString();
      return parsed.map((input) => write<T>(workspaceId, input, updatedAt));
    },

    async delete(workspaceId, collection, key) {
      const address = parseDocumentAddress(workspaceId, collection, key);
      return collectionOf(workspaceId, address.collection, false)?.delete(address.key) ?? false;
    },

    async list<T>(workspaceId: string, collection: string, query?: unknown) {
      const q = parseDocumentList(workspaceId, collection, query);
      const after = q.cursor === null ? null : (decodeCursor(q.cursor, { key: 'string' }).key as string);
      const rows = collectionOf(workspaceId, q.collection, false);
      const keys = [...(rows?.keys() ?? [])]
        .filter((key) => key.startsWith(q.prefix) && (after === null || compareKeys(key, after) > 0))
        .sort(compareKeys);
      const page = keys.slice(0, q.limit);
      return {
        items: page.map((key) => toDocument<T>(q.collection, key, rows!.get(key)!)),
        nextCursor: keys.length > q.limit ? encodeCursor({ key: page[page.length - 1]! }) : null,
      };
    },
  } as DocumentStore;

  return {
    store,
    check(workspaceId, inputs) {
      for (const input of inputs) assertExpectedVersion(workspaceId, input);
    },
    write(workspaceId, inputs) {
      const updatedAt = new Date(clock.now()).toISOString();
      return inputs.map((input) => write(workspaceId, input, updatedAt));
    },
  };
}
