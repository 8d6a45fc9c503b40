import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CxEvent,
  EventsNotAppendedError,
  type Identifier,
  isCxError,
  MAX_APPEND_BATCH,
  normalizeEvent,
  parseOrThrow,
  type ValidationIssue,
  withProfileId,
} from '@cx/core';
import { z } from 'zod';
import { COLLECTIONS, hashIdentifier, type IdentifierFlags } from '../collections';
import { commitSession, notifyLater } from '../graph/commit-session';
import { GraphSession } from '../graph/graph-session';
import { prefetch } from '../graph/prefetch';
import { lookupKeys, resolveEvent, resolveKnown } from '../graph/resolve-event';
import { type ExtractedIdentifiers, extractIdentifiers } from '../identifiers/extract-identifiers';
import { mayHaveFlags } from '../identifiers/identifier-flags';
import { applyProfileUpdates, updatesProfile } from '../profiles/apply-updates';
import type { IdentityRuntime } from '../runtime';
import type { IngestEventResult, IngestResult } from './ingest-result';

const batchSchema = z.array(z.unknown()).max(MAX_APPEND_BATCH, `At most ${MAX_APPEND_BATCH} events per call`);
const optionsSchema = z
  .object({
    receivedAt: z.union([z.date(), z.number().finite(), z.iso.datetime({ offset: true })]).optional(),
  })
  .default({});

/** How many times a batch is planned again after another writer changed its people first. */
const MAX_ATTEMPTS = 30;
/** The longest pause between two attempts. */
const MAX_BACKOFF_MS = 100;

/** A commit refused because another writer changed the batch's people first: worth planning again. */
class CommitConflict extends Error {
  constructor(cause: unknown) {
    super('The batch conflicted with another writer', { cause });
  }
}

/** Options of `identity.ingest`. */
export interface IngestOptions {
  /** When the collector received the batch (for clock-skew correction); defaults to the clock's now. */
  receivedAt?: Date | number | string;
}

interface Candidate {
  index: number;
  event: CxEvent;
  extracted: ExtractedIdentifiers;
  /** `type:value` keys the event may resolve through (see `lookupKeys`). */
  keys: string[];
}

/** Splits `list` into slices the DocumentStore accepts in one `getMany`. */
const chunks = <T>(list: readonly T[], size = 10_000) => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

/** `ProfileStore.lookupIdentifiers` takes at most 1,000 identifiers a call; larger sets go concurrently. */
async function lookupAll(runtime: IdentityRuntime, ws: string, identifiers: Identifier[]) {
  const parts = await Promise.all(
    chunks(identifiers, 1000).map((part) => runtime.storage.profiles.lookupIdentifiers(ws, part)),
  );
  if (parts.length === 1) return parts[0]!;
  const all = new Map<string, string>();
  for (const part of parts) for (const [key, owner] of part) all.set(key, owner);
  return all;
}

async function getFlags(runtime: IdentityRuntime, ws: string, keys: string[]) {
  const found = new Map<string, IdentifierFlags>();
  for (const part of chunks(keys)) {
    const docs = await runtime.storage.documents.getMany<IdentifierFlags>(ws, COLLECTIONS.flags, part);
    for (const doc of docs) found.set(doc.key, doc.value);
  }
  return found;
}

/**
 * Ingests a batch of Segment Spec calls. The batch is processed in four steps so that a
 * database sees a handful of round trips per batch, not per event:
 *
 * 1. validate and normalise every event (size limit, schema, clock skew), drop recent duplicates;
 * 2. one lookup of every identifier of the batch, plus the tombstone, suppression and quarantine
 *    lists for them;
 * 3. resolve each event to a profile in batch order, in memory, staging the profiles created,
 *    extended or merged and the trait and consent updates;
 * 4. one `storage.commit` of all of it with the events, all or nothing. An event already stored
 *    (a client's retry of a batch that did commit) refuses the commit: it is answered
 *    `duplicate` and the rest is planned again, so a replay never adds to a `sum` twice. A
 *    conflict with another writer plans the batch again from fresh reads.
 */
export async function ingestBatch(
  runtime: IdentityRuntime,
  workspaceId: string,
  rawEvents: unknown,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const { storage, config, clock, recent } = runtime;
  const raw = parseOrThrow(batchSchema, rawEvents, 'event batch');
  const parsedOptions = parseOrThrow(optionsSchema, options, 'ingest options');
  // Validates the workspace id before anything else happens.
  await storage.profiles.lookupIdentifiers(workspaceId, []);
  const now = clock.now();
  const receivedAt =
    parsedOptions.receivedAt === undefined
      ? now
      : typeof parsedOptions.receivedAt === 'string'
        ? Date.parse(parsedOptions.receivedAt)
        : parsedOptions.receivedAt;
  const results: IngestEventResult[] = new Array(raw.length);
  const candidates: Candidate[] = [];
  const inBatch = new Set<string>();

  for (let index = 0; index < raw.length; index++) {
    const input = raw[index];
    const sentId = (input as { messageId?: unknown } | null)?.messageId;
    if (typeof sentId === 'string' && (inBatch.has(sentId) || recent.has(workspaceId, sentId, now))) {
      results[index] = { index, messageId: sentId, status: 'duplicate' };
      continue;
    }
    let event: CxEvent;
    try {
      event = normalizeEvent(input, {
        receivedAt,
        newId: runtime.newId,
        maxEventBytes: config.maxEventBytes,
      });
    } catch (error) {
      if (!isCxError(error, 'VALIDATION') && !isCxError(error, 'LIMIT')) throw error;
      const issues = (error as { issues?: readonly ValidationIssue[] }).issues;
      results[index] = {
        index,
        ...(typeof sentId === 'string' ? { messageId: sentId } : {}),
        status: 'rejected',
        code: error.code as 'VALIDATION' | 'LIMIT',
        message: error.message,
        ...(issues === undefined ? {} : { issues }),
      };
      continue;
    }
    inBatch.add(event.messageId);
    const extracted = extractIdentifiers(event, config);
    if (extracted.identifiers.length === 0 && extracted.aliasPrevious === undefined) {
      results[index] = {
        index,
        messageId: event.messageId,
        status: 'rejected',
        code: 'NO_IDENTIFIER',
        message: `No usable identifier: ${extracted.refused.map((r) => `${r.type} "${r.value}" (${r.rule})`).join(', ')}`,
        issues: extracted.refused.map((r) => ({
          path: r.type === 'user_id' ? 'userId' : r.type === 'anonymous_id' ? 'anonymousId' : r.type,
          message: `${r.rule}: "${r.value}" cannot identify a person`,
          code: r.rule,
        })),
      };
      continue;
    }
    candidates.push({ index, event, extracted, keys: lookupKeys(extracted) });
  }

  let pending = candidates;
  for (let attempt = 1; ; attempt++) {
    try {
      const { session, stored } = await planAndCommit(runtime, workspaceId, pending, results);
      recent.add(workspaceId, stored, now);
      session.notify();
      if (stored.length > 0 && runtime.bus) {
        const { bus } = runtime;
        notifyLater(runtime, () => bus.publish('events.appended', { workspaceId, messageIds: stored }));
      }
      return summarize(results);
    } catch (error) {
      if (error instanceof EventsNotAppendedError) {
        // A client's retry of a batch that did commit, or an event the store refuses: answer
        // those, and plan the rest again without them.
        const rest = dropUnappended(pending, error, results);
        // Refused events that are not the batch's (identity's own) would refuse every attempt.
        if (rest.length === pending.length) throw error;
        pending = rest;
        continue;
      }
      // Another writer changed these people between our reads and our commit: read again. A
      // conflict found while planning is the batch's own and would come back every time.
      if (error instanceof CommitConflict && attempt < MAX_ATTEMPTS) {
        // A random pause that grows with each attempt keeps batches of the same people that
        // keep colliding from colliding again in lockstep.
        await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
        continue;
      }
      throw error instanceof CommitConflict ? error.cause : error;
    }
  }
}

/**
 * Resolves the batch's events to profiles and commits everything in one step: profile
 * creations, identifier changes, merges, trait and consent updates, identity's documents, the
 * events and identity's own events. Fills in the result of each stored event.
 */
async function planAndCommit(
  runtime: IdentityRuntime,
  workspaceId: string,
  candidates: Candidate[],
  results: IngestEventResult[],
): Promise<{ session: GraphSession; stored: string[] }> {
  const session = new GraphSession(runtime, workspaceId);
  const accepted = await gate(runtime, session, workspaceId, candidates, results);

  // Events whose identifiers all point at one profile already, and that share nothing with an
  // earlier event that changes the graph, resolve here without I/O or promises: most of a batch.
  const resolved = new Map<Candidate, string | null>();
  const slow: Candidate[] = [];
  const taintedKeys = new Set<string>();
  const taintedOwners = new Set<string>();
  const updating = new Set<string>();
  for (const candidate of accepted) {
    const known = resolveKnown(session, candidate.extracted);
    if (
      known !== undefined &&
      (slow.length === 0 || !touches(candidate.keys, session.owners, taintedKeys, taintedOwners))
    ) {
      resolved.set(candidate, known);
      if (updatesProfile(candidate.event)) updating.add(known);
      continue;
    }
    slow.push(candidate);
    for (const key of candidate.keys) {
      taintedKeys.add(key);
      const owner = session.owners.get(key);
      if (owner !== undefined) taintedOwners.add(owner);
    }
  }
  await prefetch(session, slow, updating);
  // The rest in batch order: they change the graph in memory only (the writes are staged for
  // the commit), and the prefetch has read nearly everything they need.
  for (const candidate of slow) {
    resolved.set(candidate, await resolveEvent(session, candidate.event, candidate.extracted));
  }
  const toStore: CxEvent[] = [];
  const storedFrom: Candidate[] = [];
  // A refused identifier is explained once per person and batch, not once per event.
  const explained = new Set<string>();
  for (const candidate of accepted) {
    const profileId = resolved.get(candidate)!;
    for (const refused of candidate.extracted.refused) {
      if (profileId === null) continue;
      const key = `${profileId}\u0000${refused.type}\u0000${refused.value}\u0000${refused.rule}`;
      if (explained.has(key)) continue;
      explained.add(key);
      session.decisions.record({
        kind: 'refused',
        rule: refused.rule,
        reason: `${refused.type} "${refused.value}" of event ${candidate.event.messageId} is ${refused.rule === 'blocked-value' ? 'on the blocked list' : 'not a valid value'}; it was not used to identify anyone`,
        profileIds: [profileId],
        identifier: { type: refused.type, value: refused.value.slice(0, 1024) || '(empty)' },
        messageId: candidate.event.messageId,
      });
    }
    toStore.push(withProfileId(candidate.event, profileId));
    storedFrom.push(candidate);
  }

  await applyProfileUpdates(
    session,
    toStore.flatMap((event) =>
      event.profileId == null ? [] : [{ event, profileId: session.canonical(event.profileId) }],
    ),
  );
  try {
    await commitSession(session, { events: withIdentityEvents(toStore, session) });
  } catch (error) {
    if (isCxError(error, 'CONFLICT') && !(error instanceof EventsNotAppendedError)) {
      throw new CommitConflict(error);
    }
    throw error;
  }
  storedFrom.forEach((candidate, position) => {
    const event = toStore[position]!;
    const profileId = event.profileId ?? undefined;
    results[candidate.index] = {
      index: candidate.index,
      messageId: event.messageId,
      status: 'accepted',
      ...(profileId === undefined ? {} : { profileId }),
    };
  });
  return { session, stored: toStore.map((event) => event.messageId) };
}

/** The batch's events with identity's own (`Profile Merged`...) right after the event that caused each. */
function withIdentityEvents(toStore: CxEvent[], session: GraphSession): CxEvent[] {
  if (session.events.length === 0) return toStore;
  const after = new Map<string, CxEvent[]>();
  const loose: CxEvent[] = [];
  for (const { event, after: cause } of session.events) {
    if (cause === undefined) loose.push(event);
    else after.set(cause, [...(after.get(cause) ?? []), event]);
  }
  const out: CxEvent[] = [];
  for (const event of toStore) {
    out.push(event);
    const own = after.get(event.messageId);
    if (own) out.push(...own);
  }
  return [...out, ...loose];
}

/** Answers the events a commit refused (already stored, or refused by the store) and drops them. */
function dropUnappended(
  pending: Candidate[],
  error: EventsNotAppendedError,
  results: IngestEventResult[],
): Candidate[] {
  const duplicates = new Set(error.result.duplicates);
  const rejected = new Map(error.result.rejected.map((r) => [r.messageId, r]));
  return pending.filter(({ index, event }) => {
    const { messageId } = event;
    if (duplicates.has(messageId)) {
      results[index] = { index, messageId, status: 'duplicate' };
      return false;
    }
    const rejection = rejected.get(messageId);
    if (rejection === undefined) return true;
    results[index] = {
      index,
      messageId,
      status: 'rejected',
      code: rejection.code === 'LIMIT' ? 'LIMIT' : 'VALIDATION',
      message: rejection.message,
      ...(rejection.issues === undefined ? {} : { issues: rejection.issues }),
    };
    return false;
  });
}

/**
 * Refuses events of deleted people (`DELETED`) and blocks those of suppressed people, then
 * seeds the session with the batch's identifier owners and quarantined identifiers, all in
 * concurrent round trips.
 */
async function gate(
  runtime: IdentityRuntime,
  session: GraphSession,
  workspaceId: string,
  candidates: Candidate[],
  results: IngestEventResult[],
): Promise<Candidate[]> {
  if (candidates.length === 0) return [];
  const unique = new Map<string, Identifier>();
  for (const candidate of candidates) {
    for (const id of candidate.extracted.identifiers) {
      if (!unique.has(id.key)) unique.set(id.key, { type: id.type, value: id.value });
    }
    const previous = candidate.extracted.aliasPrevious;
    if (previous !== undefined) for (const key of candidate.keys) unique.set(key, splitKey(key));
  }
  const keys = [...unique.keys()];
  const [owners, flagDocs] = await Promise.all([
    lookupAll(runtime, workspaceId, [...unique.values()]),
    mayHaveFlags(runtime, workspaceId).then((some) =>
      some ? getFlags(runtime, workspaceId, keys.map(hashIdentifier)) : new Map<string, IdentifierFlags>(),
    ),
  ]);
  session.adoptOwners(owners);
  // The common case: no identifier of the batch carries a flag.
  if (flagDocs.size === 0) return candidates;
  const flagged = (flag: keyof IdentifierFlags, key: string) =>
    flagDocs.get(hashIdentifier(key))?.[flag] !== undefined;
  for (const key of keys) if (flagged('quarantined', key)) session.quarantined.add(key);

  const out: Candidate[] = [];
  for (const candidate of candidates) {
    const { index, event } = candidate;
    const found = candidate.keys;
    // An alias's previousId is looked up under two types; only a known one is the person's.
    const own = found.filter((key, i) => i < candidate.extracted.identifiers.length || owners.has(key));
    const deleted = own.find((key) => flagged('deleted', key));
    if (deleted) {
      results[index] = {
        index,
        messageId: event.messageId,
        status: 'rejected',
        code: 'DELETED',
        message: `Identifier ${deleted.slice(0, deleted.indexOf(':'))} belongs to a deleted person; the event is refused`,
      };
      continue;
    }
    const blocked = own.find((key) => flagged('suppressed', key));
    if (blocked) {
      const profileId = owners.get(blocked);
      results[index] = {
        index,
        messageId: event.messageId,
        status: 'suppressed',
        code: 'SUPPRESSED',
        message: 'The person is suppressed; the event was not stored',
        ...(profileId === undefined ? {} : { profileId }),
      };
      continue;
    }
    out.push(candidate);
  }
  return out;
}

/** True when an identifier of the event, or the profile it points at, is used by an earlier slow event. */
function touches(
  keys: readonly string[],
  owners: ReadonlyMap<string, string>,
  taintedKeys: ReadonlySet<string>,
  taintedOwners: ReadonlySet<string>,
): boolean {
  for (const key of keys) {
    if (taintedKeys.has(key)) return true;
    const owner = owners.get(key);
    if (owner !== undefined && taintedOwners.has(owner)) return true;
  }
  return false;
}

/** `type:value` back to an identifier (types never contain `:`). */
const splitKey = (key: string): Identifier => {
  const colon = key.indexOf(':');
  return { type: key.slice(0, colon), value: key.slice(colon + 1) };
};

function summarize(results: IngestEventResult[]): IngestResult {
  const summary: IngestResult = { results, accepted: 0, duplicates: 0, rejected: 0, suppressed: 0 };
  for (const result of results) {
    if (result.status === 'accepted') summary.accepted++;
    else if (result.status === 'duplicate') summary.duplicates++;
    else if (result.status === 'rejected') summary.rejected++;
    else summary.suppressed++;
  }
  return summary;
}
