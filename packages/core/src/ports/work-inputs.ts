import { z } from 'zod';
import { isoTime } from '../clock/iso-time';
import { parseOrThrow } from '../errors/from-zod';
import { assertWorkspaceId } from '../workspaces/workspace-id';
import {
  collectionSchema,
  documentKeySchema,
  jsonDocument,
  MAX_LEASE_MS,
  type PreparedAppend,
  parseDocumentPutMany,
  prepareAppend,
} from './inputs';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page';
import { type ParsedProfileWrite, parseProfileWrites } from './profile-write-inputs';
import type { WorkItem } from './work-queue';

/*
 * Input validation of the work queue and of commits, shared by every adapter so each backend
 * refuses exactly the same inputs, before anything is written.
 */

/** The most items one `schedule`, `claim` or commit list may hold. */
export const MAX_WORK_BATCH = 1000;
/** Longer error texts are cut to this many characters: a worker's failure must still be recorded. */
export const MAX_WORK_ERROR_LENGTH = 2000;

/** Queue names follow document collections: `segments.windows`, `channels.outbox`. */
const queueSchema = collectionSchema;
const workKeySchema = documentKeySchema;

const timeSchema = z.union([
  z.iso.datetime({ offset: true }),
  z.date().refine((date) => Number.isFinite(date.getTime()), 'Invalid date'),
  z.number().int().nonnegative().max(8.64e15),
]);
const toMs = (value: z.output<typeof timeSchema>) =>
  typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(value);

const scheduleSchema = z.object({
  queue: queueSchema,
  key: workKeySchema,
  dueAt: timeSchema.optional(),
  payload: z.unknown().optional(),
  ifExists: z.enum(['keep', 'replace']).default('keep'),
});

/** A validated item to schedule: due time in ms, payload as JSON text and as a detached copy. */
export interface ParsedSchedule {
  queue: string;
  key: string;
  /** `null` means "now", read from the adapter's clock when the item is written. */
  dueMs: number | null;
  json: string;
  value: unknown;
  ifExists: 'keep' | 'replace';
}

const scheduleListSchema = z
  .array(scheduleSchema)
  .max(MAX_WORK_BATCH, `At most ${MAX_WORK_BATCH} items per call`)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const address = `${item.queue}\u0000${item.key}`;
      if (seen.has(address)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'key'],
          message: `${item.queue}/${item.key} appears twice`,
        });
      }
      seen.add(address);
    });
  });

function toParsedSchedule(items: z.output<typeof scheduleListSchema>): ParsedSchedule[] {
  return items.map((item, index) => ({
    queue: item.queue,
    key: item.key,
    dueMs: item.dueAt === undefined ? null : toMs(item.dueAt),
    ifExists: item.ifExists,
    ...jsonDocument(item.payload ?? null, `${index}.payload`),
  }));
}

/**
 * The item a schedule just wrote, built from its input: an adapter need not read back what it
 * knows. `token` and `createdMs` are the row's (0 and now for a new item; a replaced item keeps
 * its creation time and has the next token).
 */
export function scheduledItem<P = unknown>(
  item: ParsedSchedule,
  token: number,
  createdMs: number,
  now: number,
): WorkItem<P> {
  return {
    queue: item.queue,
    key: item.key,
    payload: item.value as P,
    dueAt: isoTime(item.dueMs ?? now),
    state: 'scheduled',
    attempts: 0,
    lastError: null,
    owner: null,
    leaseExpiresAt: null,
    token,
    createdAt: isoTime(createdMs),
  };
}

/** Validates a `schedule` call: each (queue, key) once, payloads JSON. */
export function parseSchedule(workspaceId: unknown, items: unknown): ParsedSchedule[] {
  assertWorkspaceId(workspaceId);
  return toParsedSchedule(parseOrThrow(scheduleListSchema, items, 'work items'));
}

const claimOptionsSchema = z.object({
  limit: z.number().int().min(1).max(MAX_WORK_BATCH),
  leaseMs: z.number().int().min(1).max(MAX_LEASE_MS),
  owner: z.string().min(1).max(512),
});

/** Validates a `claim` call. */
export function parseClaimOptions(workspaceId: unknown, queue: unknown, options: unknown) {
  assertWorkspaceId(workspaceId);
  return {
    queue: parseOrThrow(queueSchema, queue, 'queue'),
    ...parseOrThrow(claimOptionsSchema, options, 'claim options'),
  };
}

const workClaimSchema = z.object({
  queue: queueSchema,
  key: workKeySchema,
  token: z.number().int().positive(),
});

/** A validated reference to a claimed item. */
export interface ParsedWorkClaim {
  queue: string;
  key: string;
  token: number;
}

/** Validates the claim named by `complete`, `retry`, `deadLetter`, `release` or `extend`. */
export function parseWorkClaim(workspaceId: unknown, claim: unknown): ParsedWorkClaim {
  assertWorkspaceId(workspaceId);
  const parsed = parseOrThrow(workClaimSchema, claim, 'work claim');
  return { queue: parsed.queue, key: parsed.key, token: parsed.token };
}

const errorTextSchema = z
  .string()
  .min(1, 'Say what went wrong')
  .transform((text) => text.slice(0, MAX_WORK_ERROR_LENGTH));

/** Validates a `retry`'s options: when to try again and why the last try failed. */
export function parseRetry(options: unknown): { atMs: number; error: string } {
  const parsed = parseOrThrow(z.object({ at: timeSchema, error: errorTextSchema }), options, 'retry options');
  return { atMs: toMs(parsed.at), error: parsed.error };
}

/** Validates a `deadLetter`'s reason. */
export function parseDeadLetter(options: unknown): string {
  return parseOrThrow(z.object({ reason: errorTextSchema }), options, 'dead-letter options').reason;
}

/** Validates an `extend`'s lease length. */
export function parseExtend(options: unknown): number {
  return parseOrThrow(z.object({ leaseMs: claimOptionsSchema.shape.leaseMs }), options, 'extend options')
    .leaseMs;
}

/** Validates a queue name (`nextDueAt`). */
export function parseQueueName(workspaceId: unknown, queue: unknown): string {
  assertWorkspaceId(workspaceId);
  return parseOrThrow(queueSchema, queue, 'queue');
}

/** Validates a `cancel` or `get` address. */
export function parseWorkAddress(workspaceId: unknown, queue: unknown, key: unknown) {
  assertWorkspaceId(workspaceId);
  return {
    queue: parseOrThrow(queueSchema, queue, 'queue'),
    key: parseOrThrow(workKeySchema, key, 'work key'),
  };
}

/** Validates a `deadLetters` call. */
export function parseDeadLetterQuery(workspaceId: unknown, queue: unknown, query: unknown) {
  assertWorkspaceId(workspaceId);
  const q = parseOrThrow(
    z
      .object({
        limit: z.number().int().positive().max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
        cursor: z.string().min(1).max(2048).nullable().optional(),
      })
      .default({ limit: DEFAULT_PAGE_SIZE }),
    query,
    'dead-letter query',
  );
  return { queue: parseOrThrow(queueSchema, queue, 'queue'), limit: q.limit, cursor: q.cursor ?? null };
}

const commitSchema = z.strictObject({
  documents: z.array(z.unknown()).optional(),
  schedule: scheduleListSchema.optional(),
  cancel: z
    .array(z.object({ queue: queueSchema, key: workKeySchema }))
    .max(MAX_WORK_BATCH)
    .optional(),
  complete: z.array(workClaimSchema).max(MAX_WORK_BATCH).optional(),
  profiles: z.array(z.unknown()).optional(),
  events: z.array(z.unknown()).optional(),
  eventsMustBeNew: z.boolean().optional(),
});

/** A validated commit, every list present. */
export interface ParsedCommit {
  documents: ReturnType<typeof parseDocumentPutMany>;
  schedule: ParsedSchedule[];
  cancel: { queue: string; key: string }[];
  complete: ParsedWorkClaim[];
  profiles: ParsedProfileWrite[];
  /** The events, validated as `append` does; `null` when the commit has none. */
  events: PreparedAppend | null;
  eventsMustBeNew: boolean;
}

/**
 * Validates a commit: documents as `putMany`, work as `schedule`, `cancel` and `complete`, profile
 * writes as their ProfileStore methods, events as `append`.
 */
export function parseCommit(workspaceId: unknown, input: unknown): ParsedCommit {
  assertWorkspaceId(workspaceId);
  const parsed = parseOrThrow(commitSchema, input, 'commit');
  return {
    documents: parseDocumentPutMany(workspaceId, parsed.documents ?? [], true),
    schedule: toParsedSchedule(parsed.schedule ?? []),
    cancel: (parsed.cancel ?? []).map(({ queue, key }) => ({ queue, key })),
    complete: (parsed.complete ?? []).map(({ queue, key, token }) => ({ queue, key, token })),
    profiles: parsed.profiles === undefined ? [] : parseProfileWrites(workspaceId, parsed.profiles),
    events: parsed.events === undefined ? null : prepareAppend(workspaceId, parsed.events, true),
    eventsMustBeNew: parsed.eventsMustBeNew ?? false,
  };
}
