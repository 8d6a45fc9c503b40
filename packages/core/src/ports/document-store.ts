import type { Page } from './page';

/** A JSON document kept under `collection` and `key`, versioned for optimistic concurrency. */
export interface StoredDocument<T = unknown> {
  collection: string;
  key: string;
  value: T;
  /** 1 on creation, +1 on every put. */
  version: number;
  /** UTC ISO time of the last put, from the adapter's clock. */
  updatedAt: string;
}

/** Input of {@link DocumentStore.put}. */
export interface PutDocumentInput<T = unknown> {
  collection: string;
  key: string;
  /** Any JSON value. */
  value: T;
  /**
   * Fail with `CONFLICT` unless the stored version is this one; `0` means "must not exist yet".
   * Omit to overwrite unconditionally.
   */
  expectedVersion?: number;
}

/** Which documents of a collection to list. */
export interface DocumentListQuery {
  /** Only keys that start with this. */
  prefix?: string;
  limit?: number;
  cursor?: string | null;
}

/**
 * Small JSON documents by collection and key: experiment definitions, sticky bucket
 * assignments, bandit state, merge logs, journey definitions. Packages name their own
 * collections (`abtest.sticky-buckets`), so they never collide.
 *
 * Contract (proved by the conformance suite): `put` with `expectedVersion` is a compare-and-set
 * (of concurrent puts with the same expected version exactly one wins); `putMany` is
 * all-or-nothing (bad input or one conflict stores nothing); `list` returns keys in
 * ascending order; nothing crosses workspaces or collections.
 */
export interface DocumentStore {
  /** One document, or `null`. */
  get<T = unknown>(workspaceId: string, collection: string, key: string): Promise<StoredDocument<T> | null>;
  /** Several documents of one collection in one round trip; missing keys are left out. */
  getMany<T = unknown>(
    workspaceId: string,
    collection: string,
    keys: readonly string[],
  ): Promise<StoredDocument<T>[]>;
  /** Creates or replaces a document. */
  put<T = unknown>(workspaceId: string, input: PutDocumentInput<T>): Promise<StoredDocument<T>>;
  /**
   * Puts several documents (of any collections) atomically, in one round trip: every
   * `expectedVersion` is checked as in {@link put}, and on any conflict nothing is written
   * (`CONFLICT`). A document may appear once per call. Returns the stored documents in input order.
   *
   * @example
   * ```ts
   * await storage.documents.putMany('acme', [
   *   { collection: 'identity.decisions', key: 'p1/d1', value: decision },
   *   { collection: 'identity.links', key: 'email:an@example.com', value: { profiles: ['p1'] } },
   * ]);
   * ```
   */
  putMany<T = unknown>(
    workspaceId: string,
    inputs: readonly PutDocumentInput<T>[],
  ): Promise<StoredDocument<T>[]>;
  /** Deletes a document; `false` if there was none. */
  delete(workspaceId: string, collection: string, key: string): Promise<boolean>;
  /** Documents of a collection in key order. */
  list<T = unknown>(
    workspaceId: string,
    collection: string,
    query?: DocumentListQuery,
  ): Promise<Page<StoredDocument<T>>>;
}
