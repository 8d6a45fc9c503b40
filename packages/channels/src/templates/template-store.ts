import {
  ConfigError,
  NotFoundError,
  type Page,
  type Storage,
  type StoredDocument,
  ValidationError,
} from '@cx/core';
import { defineTemplate, type TemplateDefinition } from './template-definition';

/** The documents collection templates live in; the key is the template id. */
export const TEMPLATES_COLLECTION = 'channels.templates';

/** Options of {@link createTemplateStore}. */
export interface TemplateStoreOptions {
  /** Any cx storage adapter; only its documents port is used. */
  storage: Pick<Storage, 'documents'>;
  workspaceId: string;
}

/**
 * A template as stored: the definition itself (render it as is) with its version and save time.
 * It can be saved back as is: `save` ignores `version` and `updatedAt`.
 */
export interface StoredTemplate extends TemplateDefinition {
  /** 1 when first saved, +1 on every save. */
  version: number;
  /** UTC ISO time of the last save. */
  updatedAt: string;
}

/** Options of {@link TemplateStore.save}. */
export interface SaveTemplateOptions {
  /**
   * Save only if the stored version is this one (`0`: only if it does not exist yet), else fail
   * with `CONFLICT`: two people editing one template do not silently overwrite each other.
   */
  expectedVersion?: number;
}

/** Message templates of one workspace, on the documents port. */
export interface TemplateStore {
  /** Validates and saves a definition; throws `ValidationError` (nothing stored) when it is invalid. */
  save(
    definition: TemplateDefinition | StoredTemplate,
    options?: SaveTemplateOptions,
  ): Promise<StoredTemplate>;
  /** The template with this id; throws `NotFoundError` when there is none. */
  get(id: string): Promise<StoredTemplate>;
  /** The template with this id, or `null`. */
  find(id: string): Promise<StoredTemplate | null>;
  /** Every template, in id order. */
  list(): Promise<StoredTemplate[]>;
  /** Deletes a template; `false` when there was none. */
  remove(id: string): Promise<boolean>;
}

function stored(document: StoredDocument<TemplateDefinition>): StoredTemplate {
  return { ...document.value, version: document.version, updatedAt: document.updatedAt };
}

function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new ValidationError('template id must be a non-empty string', [
      { path: 'id', message: 'must be a non-empty string', code: 'invalid_type' },
    ]);
  }
}

/**
 * The template store: definitions by id in the `channels.templates` collection of the documents
 * port, so templates live in whatever storage the rest of cx uses (memory, SQLite, Postgres) and
 * carry its versioning. Only `save` writes, and it validates first, so reads trust what they find.
 *
 * @example
 * ```ts
 * const templates = createTemplateStore({ storage: memoryStorage(), workspaceId: 'acme' });
 * const saved = await templates.save(welcomeEmail); // { ...welcomeEmail, version: 1, updatedAt: … }
 * await templates.save({ ...saved, name: 'Welcome' }, { expectedVersion: saved.version }); // version 2
 * (await templates.get('welcome-email')).name; // 'Welcome'
 * ```
 */
export function createTemplateStore(options: TemplateStoreOptions): TemplateStore {
  const { storage, workspaceId } = options;
  if (typeof storage?.documents?.put !== 'function')
    throw new ConfigError('template store: storage is required');
  if (typeof workspaceId !== 'string' || workspaceId.length === 0)
    throw new ConfigError('template store: workspaceId is required');
  const documents = storage.documents;

  const find = async (id: string): Promise<StoredTemplate | null> => {
    assertId(id);
    const document = await documents.get<TemplateDefinition>(workspaceId, TEMPLATES_COLLECTION, id);
    return document === null ? null : stored(document);
  };

  return {
    async save(definition, saveOptions = {}) {
      // A template read from the store carries its version; that is metadata, not definition.
      const { version: _version, updatedAt: _updatedAt, ...plain } = definition as StoredTemplate;
      const valid = defineTemplate(plain);
      const document = await documents.put(workspaceId, {
        collection: TEMPLATES_COLLECTION,
        key: valid.id,
        value: valid,
        ...(saveOptions.expectedVersion === undefined
          ? {}
          : { expectedVersion: saveOptions.expectedVersion }),
      });
      return stored(document);
    },
    async get(id) {
      const found = await find(id);
      if (found === null)
        throw new NotFoundError(`template ${id} does not exist in workspace ${workspaceId}`);
      return found;
    },
    find,
    async list() {
      const templates: StoredTemplate[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<StoredDocument<TemplateDefinition>> = await documents.list<TemplateDefinition>(
          workspaceId,
          TEMPLATES_COLLECTION,
          { cursor },
        );
        for (const document of page.items) templates.push(stored(document));
        cursor = page.nextCursor;
      } while (cursor !== null);
      return templates;
    },
    async remove(id) {
      assertId(id);
      return documents.delete(workspaceId, TEMPLATES_COLLECTION, id);
    },
  };
}
