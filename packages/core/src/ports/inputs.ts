import { z } from 'zod';
import { ConflictError, ValidationError } from '../errors/errors';
import { parseOrThrow, toValidationIssues, validationErrorFromZod } from '../errors/from-zod';
import { type CxEvent, cxEventSchema } from '../events/cx-event';
import { EVENT_TYPES, type EventType, idSchema, isoTimestampSchema } from '../events/segment-spec';
import { validatedTimestamp } from '../events/validated-events';
import { assertWorkspaceId } from '../workspaces/workspace-id';
import type { StoredDocument } from './document-store';
import type { AppendResult, EventRejection } from './event-store';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page';
import { IDENTIFIER_TYPE_PATTERN, type Identifier, identifierKey, identifierSchema } from './profile-store';

/*
 * Input validation shared by every adapter, so each backend rejects exactly the same inputs
 * with exactly the same errors. Adapters call these before touching their database.
 */

const limitSchema = z.number().int().positive().max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);
const cursorSchema = z.string().min(1).max(2048).nullable().optional();
const toMillis = (value: string | Date) => (value instanceof Date ? value.getTime() : Date.parse(value));

/** A batch of events split into what to store and what to report. */
export interface PreparedAppend {
  /** Valid events, first occurrence of each `messageId`, in batch order. */
  events: CxEvent[];
  /** Millisecond timestamps of `events`, index for index. */
  timestamps: number[];
  /** `messageId`s repeated within the batch. */
  batchDuplicates: string[];
  rejected: EventRejection[];
}

/** The largest batch `append` accepts in one call. */
export const MAX_APPEND_BATCH = 10_000;

/** The most events, documents or profile writes one `storage.commit` carries. */
export const MAX_COMMIT_WRITES = 50_000;

const batchSchema = z
  .array(z.unknown())
  .max(MAX_APPEND_BATCH, `At most ${MAX_APPEND_BATCH} events per append`);
const commitEventsSchema = z
  .array(z.unknown())
  .max(MAX_COMMIT_WRITES, `At most ${MAX_COMMIT_WRITES} events per commit`);

/**
 * Validates a batch for `EventStore.append` (at most {@link MAX_APPEND_BATCH} events; a commit's,
 * `inCommit`, at most {@link MAX_COMMIT_WRITES}): a bad workspace id or a non-array throws a
 * `ValidationError` (nothing is stored); each invalid event becomes a rejection.
 */
export function prepareAppend(workspaceId: unknown, batch: unknown, inCommit = false): PreparedAppend {
  assertWorkspaceId(workspaceId);
  const events = parseOrThrow(inCommit ? commitEventsSchema : batchSchema, batch, 'event batch');
  const prepared: PreparedAppend = { events: [], timestamps: [], batchDuplicates: [], rejected: [] };
  const seen = new Set<string>();
  for (let index = 0; index < events.length; index++) {
    const input = events[index];
    const knownTimestamp = validatedTimestamp(input);
    if (knownTimestamp !== undefined) {
      accept(prepared, seen, input as CxEvent, knownTimestamp);
      continue;
    }
    const result = cxEventSchema.safeParse(input);
    if (!result.success) {
      const rawId = (input as { messageId?: unknown } | null)?.messageId;
      const error = validationErrorFromZod(result.error, 'event');
      prepared.rejected.push({
        index,
        ...(typeof rawId === 'string' ? { messageId: rawId } : {}),
        code: 'VALIDATION',
        message: error.message,
        issues: toValidationIssues(result.error.issues),
      });
      continue;
    }
    accept(prepared, seen, result.data, Date.parse(result.data.timestamp));
  }
  return prepared;
}

function accept(prepared: PreparedAppend, seen: Set<string>, event: CxEvent, timestampMs: number): void {
  if (seen.has(event.messageId)) {
    prepared.batchDuplicates.push(event.messageId);
    return;
  }
  seen.add(event.messageId);
  prepared.events.push(event);
  prepared.timestamps.push(timestampMs);
}

/** Builds the {@link AppendResult} once the adapter knows which prepared events were new. */
export function finishAppend(
  prepared: PreparedAppend,
  isInserted: (event: CxEvent, index: number) => boolean,
) {
  const result: AppendResult = { inserted: [], duplicates: [], rejected: prepared.rejected };
  prepared.events.forEach((event, index) => {
    (isInserted(event, index) ? result.inserted : result.duplicates).push(event.messageId);
  });
  result.duplicates.push(...prepared.batchDuplicates);
  return result;
}

const profileEventsQuerySchema = z.object({
  profileIds: z.array(idSchema).max(10_000),
  from: isoTimestampSchema.optional(),
  to: isoTimestampSchema.optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: limitSchema,
  cursor: cursorSchema,
});

/** A validated `listByProfile` query with times in milliseconds. */
export interface ParsedProfileEventsQuery {
  profileIds: string[];
  fromMs: number;
  toMs: number;
  order: 'asc' | 'desc';
  limit: number;
  cursor: string | null;
}

/** Validates a `listByProfile` query. */
export function parseProfileEventsQuery(workspaceId: unknown, query: unknown): ParsedProfileEventsQuery {
  assertWorkspaceId(workspaceId);
  const q = parseOrThrow(profileEventsQuerySchema, query, 'profile events query');
  return {
    profileIds: q.profileIds,
    fromMs: q.from === undefined ? Number.NEGATIVE_INFINITY : toMillis(q.from),
    toMs: q.to === undefined ? Number.POSITIVE_INFINITY : toMillis(q.to),
    order: q.order,
    limit: q.limit,
    cursor: q.cursor ?? null,
  };
}

const scanQuerySchema = z
  .object({
    cursor: cursorSchema,
    limit: limitSchema,
    types: z.array(z.enum(EVENT_TYPES)).optional(),
    from: isoTimestampSchema.optional(),
    to: isoTimestampSchema.optional(),
  })
  .default({ limit: DEFAULT_PAGE_SIZE });

/** A validated `scan` query with times in milliseconds. */
export interface ParsedScanQuery {
  cursor: string | null;
  limit: number;
  types: EventType[] | null;
  /** Inclusive; `-Infinity` when not given. */
  fromMs: number;
  /** Exclusive; `Infinity` when not given. */
  toMs: number;
}

/** Validates a `scan` query. */
export function parseScanQuery(workspaceId: unknown, query: unknown): ParsedScanQuery {
  assertWorkspaceId(workspaceId);
  const q = parseOrThrow(scanQuerySchema, query, 'scan query');
  return {
    cursor: q.cursor ?? null,
    limit: q.limit,
    types: q.types ?? null,
    fromMs: q.from === undefined ? Number.NEGATIVE_INFINITY : toMillis(q.from),
    toMs: q.to === undefined ? Number.POSITIVE_INFINITY : toMillis(q.to),
  };
}

const readLogSchema = z
  .object({ after: cursorSchema, limit: limitSchema })
  .default({ limit: DEFAULT_PAGE_SIZE });

/** Validates a `readLog` query. */
export function parseReadLog(workspaceId: unknown, query: unknown): { after: string | null; limit: number } {
  assertWorkspaceId(workspaceId);
  const q = parseOrThrow(readLogSchema, query, 'read log query');
  return { after: q.after ?? null, limit: q.limit };
}

/** Validates a log position (`countAfter`). */
export function parseLogPosition(workspaceId: unknown, position: unknown): string | null {
  assertWorkspaceId(workspaceId);
  return parseOrThrow(cursorSchema, position, 'log position') ?? null;
}

/** Validates a workspace id and a record id (`messageId`, profile id). */
export function parseId(workspaceId: unknown, id: unknown, what: string): string {
  assertWorkspaceId(workspaceId);
  return parseOrThrow(idSchema, id, what);
}

/** Validates a list of ids, such as the `profileIds` of `deleteByProfile`. */
export function parseIds(workspaceId: unknown, ids: unknown, what: string): string[] {
  assertWorkspaceId(workspaceId);
  return parseOrThrow(z.array(idSchema).max(10_000), ids, what);
}

const identifiersSchema = z.array(identifierSchema).max(1000);

/**
 * The rules of {@link identifierSchema} checked by hand: the common case (a lookup of a batch's
 * thousand identifiers) skips building zod's result; anything else goes through zod, which names
 * the problem.
 */
function plainIdentifiers(value: unknown): Identifier[] | undefined {
  if (!Array.isArray(value) || value.length > 1000) return undefined;
  const out: Identifier[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = value[i] as { type?: unknown; value?: unknown } | null;
    if (typeof item !== 'object' || item === null) return undefined;
    const { type, value: text } = item;
    if (typeof type !== 'string' || !IDENTIFIER_TYPE_PATTERN.test(type)) return undefined;
    if (typeof text !== 'string' || text.length === 0 || text.length > 1024 || !text.isWellFormed()) {
      return undefined;
    }
    out[i] = { type, value: text };
  }
  return out;
}

/** Validates identifiers and removes repeats. */
export function parseIdentifiers(identifiers: unknown): Identifier[] {
  const parsed = plainIdentifiers(identifiers) ?? parseOrThrow(identifiersSchema, identifiers, 'identifiers');
  const seen = new Set<string>();
  return parsed.filter((identifier) => {
    const key = identifierKey(identifier);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const traitsSchema = z.record(z.string().min(1).max(256), z.unknown());

const createProfileSchema = z.object({
  id: idSchema.optional(),
  identifiers: identifiersSchema.default([]),
  traits: traitsSchema.default({}),
});

/** Validates a `ProfileStore.create` input. */
export function parseCreateProfile(workspaceId: unknown, input: unknown) {
  assertWorkspaceId(workspaceId);
  const parsed = parseOrThrow(createProfileSchema, input, 'profile');
  return {
    ...parsed,
    identifiers: parseIdentifiers(parsed.identifiers),
    traits: jsonClone(parsed.traits, 'traits'),
  };
}

const createListSchema = z.array(z.unknown()).max(1000, 'At most 1000 profiles per call');

/**
 * Validates a `ProfileStore.createMany` input: each profile as {@link parseCreateProfile}.
 *
 * @throws `ConflictError` when two inputs name the same identifier or the same id, which no
 *   store could create together.
 */
export function parseCreateProfiles(workspaceId: unknown, inputs: unknown) {
  assertWorkspaceId(workspaceId);
  const parsed = parseOrThrow(createListSchema, inputs, 'profiles').map((input) =>
    parseCreateProfile(workspaceId, input),
  );
  assertCreatableTogether(parsed, 'call');
  return parsed;
}

/**
 * Refuses new profiles that no store could create together: two with one id, or two given the
 * same identifier (`CONFLICT`, naming `where`: "call", "commit").
 */
export function assertCreatableTogether(
  profiles: readonly { id?: string | undefined; identifiers: readonly Identifier[] }[],
  where: string,
): void {
  const identifiers = new Set<string>();
  const ids = new Set<string>();
  for (const input of profiles) {
    if (input.id !== undefined) {
      if (ids.has(input.id)) throw new ConflictError(`Profile ${input.id} is created twice in one ${where}`);
      ids.add(input.id);
    }
    for (const identifier of input.identifiers) {
      const key = identifierKey(identifier);
      if (identifiers.has(key)) {
        throw new ConflictError(`Identifier ${identifier.type} is given to two profiles in one ${where}`);
      }
      identifiers.add(key);
    }
  }
}

const traitPatchSchema = z.object({
  set: traitsSchema.default({}),
  unset: z.array(z.string().min(1).max(256)).default([]),
  expectedVersion: z.number().int().nonnegative().optional(),
});

/** Validates a `ProfileStore.patchTraits` input. */
export function parseTraitPatch(workspaceId: unknown, profileId: unknown, patch: unknown) {
  const id = parseId(workspaceId, profileId, 'profile id');
  const parsed = parseOrThrow(traitPatchSchema, patch, 'trait patch');
  return { profileId: id, ...parsed, set: jsonClone(parsed.set, 'set') };
}

const mergeSchema = z
  .object({ into: idSchema, from: idSchema, traits: traitsSchema.optional() })
  .refine((m) => m.into !== m.from, { message: 'A profile cannot be merged into itself', path: ['from'] });

/** Validates a `ProfileStore.merge` input. */
export function parseMergeInput(workspaceId: unknown, input: unknown) {
  assertWorkspaceId(workspaceId);
  const parsed = parseOrThrow(mergeSchema, input, 'merge');
  return parsed.traits === undefined ? parsed : { ...parsed, traits: jsonClone(parsed.traits, 'traits') };
}

const mergeListSchema = z.array(z.unknown()).max(1000, 'At most 1000 merges per call');

/** Validates a `ProfileStore.mergeMany` input: each merge as {@link parseMergeInput}. */
export function parseMergeInputs(workspaceId: unknown, inputs: unknown) {
  assertWorkspaceId(workspaceId);
  return parseOrThrow(mergeListSchema, inputs, 'merges').map((input) => parseMergeInput(workspaceId, input));
}

const unmergeSchema = z
  .object({
    into: idSchema,
    from: idSchema,
    intoIdentifiers: identifiersSchema,
    fromIdentifiers: identifiersSchema,
    intoTraits: traitsSchema,
    fromTraits: traitsSchema,
  })
  .refine((m) => m.into !== m.from, { message: 'A profile cannot be unmerged from itself', path: ['from'] })
  .refine(
    (m) => {
      const keys = new Set(m.intoIdentifiers.map(identifierKey));
      return m.fromIdentifiers.every((identifier) => !keys.has(identifierKey(identifier)));
    },
    { message: 'An identifier cannot go to both profiles', path: ['fromIdentifiers'] },
  );

/** Validates a `ProfileStore.unmerge` input; identifier lists lose repeats, traits are JSON-cloned. */
export function parseUnmergeInput(workspaceId: unknown, input: unknown) {
  assertWorkspaceId(workspaceId);
  const parsed = parseOrThrow(unmergeSchema, input, 'unmerge');
  return {
    into: parsed.into,
    from: parsed.from,
    intoIdentifiers: parseIdentifiers(parsed.intoIdentifiers),
    fromIdentifiers: parseIdentifiers(parsed.fromIdentifiers),
    intoTraits: jsonClone(parsed.intoTraits, 'intoTraits'),
    fromTraits: jsonClone(parsed.fromTraits, 'fromTraits'),
  };
}

const listQuerySchema = z
  .object({ limit: limitSchema, cursor: cursorSchema })
  .default({ limit: DEFAULT_PAGE_SIZE });

/** Validates a `ProfileStore.list` query. */
export function parseListQuery(workspaceId: unknown, query: unknown) {
  assertWorkspaceId(workspaceId);
  const q = parseOrThrow(listQuerySchema, query, 'profile list query');
  return { limit: q.limit, cursor: q.cursor ?? null };
}

/** The longest lease: a day. Longer leases outlive the crashes they exist to recover from. */
export const MAX_LEASE_MS = 24 * 60 * 60 * 1000;

const leaseRequestSchema = z.object({
  key: z.string().min(1).max(512),
  owner: z.string().min(1).max(512),
  ttlMs: z.number().int().min(1).max(MAX_LEASE_MS),
});

/** Validates a lease request. */
export function parseLeaseRequest(workspaceId: unknown, request: unknown) {
  assertWorkspaceId(workspaceId);
  return parseOrThrow(leaseRequestSchema, request, 'lease request');
}

/** Validates a lease release. */
export function parseLeaseRelease(workspaceId: unknown, request: unknown) {
  assertWorkspaceId(workspaceId);
  return parseOrThrow(leaseRequestSchema.omit({ ttlMs: true }), request, 'lease release');
}

/**
 * Round-trips traits through JSON so every adapter stores exactly what a JSON column would:
 * `undefined` members vanish, Dates become strings. Values JSON cannot hold are a `ValidationError`.
 */
export function jsonClone<T>(value: T, path: string): T {
  return JSON.parse(toJsonText(value, path)) as T;
}

/** `value` as JSON text; a `ValidationError` naming `path` when it cannot be serialised. */
function toJsonText(value: unknown, path: string): string {
  let json: string | undefined;
  let cause: unknown;
  try {
    // `undefined` for a function or symbol, which JSON cannot hold either.
    json = JSON.stringify(value) as string | undefined;
  } catch (error) {
    cause = error;
  }
  if (json === undefined) {
    throw new ValidationError(
      `Invalid ${path}: not JSON-serialisable`,
      [{ path, message: 'Not JSON-serialisable', code: 'invalid_type' }],
      { cause },
    );
  }
  return json;
}

/**
 * A document value as the stores keep it: its JSON text (what a SQL store writes, serialised
 * once) and a detached copy parsed back from it (what the call returns).
 */
export function jsonDocument(value: unknown, path: string): { value: unknown; json: string } {
  const json = toJsonText(value, path);
  return { value: JSON.parse(json) as unknown, json };
}

export const collectionSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_.-]{0,127}$/,
    'Collection must be lower-case letters, digits, ".", "-" or "_", 1-128 long',
  );
export const documentKeySchema = z
  .string()
  .min(1, 'Key must not be empty')
  .max(512)
  .refine((value) => value.isWellFormed(), 'Must be well-formed Unicode (no lone surrogates)');

/** Validates a document address. */
export function parseDocumentAddress(workspaceId: unknown, collection: unknown, key: unknown) {
  assertWorkspaceId(workspaceId);
  return {
    collection: parseOrThrow(collectionSchema, collection, 'collection'),
    key: parseOrThrow(documentKeySchema, key, 'document key'),
  };
}

/** Validates a `getMany` call. */
export function parseDocumentKeys(workspaceId: unknown, collection: unknown, keys: unknown) {
  assertWorkspaceId(workspaceId);
  return {
    collection: parseOrThrow(collectionSchema, collection, 'collection'),
    keys: [...new Set(parseOrThrow(z.array(documentKeySchema).max(MAX_PAGE_SIZE), keys, 'document keys'))],
  };
}

const putDocumentSchema = z.object({
  collection: collectionSchema,
  key: documentKeySchema,
  value: z.unknown().refine((value) => value !== undefined, 'A document needs a value'),
  expectedVersion: z.number().int().nonnegative().optional(),
});

/**
 * A validated document write: its JSON text (what a store writes, serialised once) and, parsed
 * back from it only when asked for, the detached copy a call returns.
 */
export class ParsedDocumentPut {
  readonly collection: string;
  readonly key: string;
  readonly expectedVersion: number | undefined;
  readonly json: string;
  #value: unknown;
  #parsed = false;

  constructor(
    input: { collection: string; key: string; expectedVersion?: number | undefined },
    json: string,
  ) {
    this.collection = input.collection;
    this.key = input.key;
    this.expectedVersion = input.expectedVersion;
    this.json = json;
  }

  /** The stored document a call returns, its value parsed only when read. */
  stored<T>(version: number, updatedAt: string): StoredDocument<T> {
    const input = this;
    return {
      collection: this.collection,
      key: this.key,
      version,
      updatedAt,
      get value() {
        return input.value as T;
      },
      // Assigning replaces the lazy value with a plain one, as on any returned document.
      set value(next: T) {
        Object.defineProperty(this, 'value', {
          value: next,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      },
    };
  }

  /** A fresh copy of the value, as the store will return it. */
  get value(): unknown {
    if (!this.#parsed) {
      this.#value = JSON.parse(this.json);
      this.#parsed = true;
    }
    return this.#value;
  }
}

/** Validates a `put`; the value is round-tripped through JSON like every stored value. */
export function parseDocumentPut(workspaceId: unknown, input: unknown): ParsedDocumentPut {
  assertWorkspaceId(workspaceId);
  const parsed = parseOrThrow(putDocumentSchema, input, 'document');
  return new ParsedDocumentPut(parsed, toJsonText(parsed.value, 'value'));
}

/** The most documents one `putMany` writes. */
export const MAX_PUT_MANY = 1000;

const noRepeatedDocuments = (inputs: { collection: string; key: string }[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  inputs.forEach((input, index) => {
    const address = `${input.collection}\u0000${input.key}`;
    if (seen.has(address)) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'key'],
        message: `Document ${input.collection}/${input.key} appears twice`,
      });
    }
    seen.add(address);
  });
};
const putManySchema = z
  .array(putDocumentSchema)
  .max(MAX_PUT_MANY, `At most ${MAX_PUT_MANY} documents per putMany`)
  .superRefine(noRepeatedDocuments);
const commitDocumentsSchema = z
  .array(putDocumentSchema)
  .max(MAX_COMMIT_WRITES, `At most ${MAX_COMMIT_WRITES} documents per commit`)
  .superRefine(noRepeatedDocuments);

/**
 * Validates a `putMany`: every input as in {@link parseDocumentPut}, at most
 * {@link MAX_PUT_MANY} (a commit's, `inCommit`, at most {@link MAX_COMMIT_WRITES}), each document
 * once. Values are round-tripped through JSON.
 */
export function parseDocumentPutMany(workspaceId: unknown, inputs: unknown, inCommit = false) {
  assertWorkspaceId(workspaceId);
  const parsed = parseOrThrow(inCommit ? commitDocumentsSchema : putManySchema, inputs, 'documents');
  return parsed.map(
    (input, index) => new ParsedDocumentPut(input, toJsonText(input.value, `${index}.value`)),
  );
}

const documentListSchema = z
  .object({ prefix: z.string().max(512).optional(), limit: limitSchema, cursor: cursorSchema })
  .default({ limit: DEFAULT_PAGE_SIZE });

/** Validates a document `list` call. */
export function parseDocumentList(workspaceId: unknown, collection: unknown, query: unknown) {
  assertWorkspaceId(workspaceId);
  const q = parseOrThrow(documentListSchema, query, 'document list query');
  return {
    collection: parseOrThrow(collectionSchema, collection, 'collection'),
    prefix: q.prefix ?? '',
    limit: q.limit,
    cursor: q.cursor ?? null,
  };
}
