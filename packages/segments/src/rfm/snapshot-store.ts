import { MAX_PAGE_SIZE, type PutDocumentInput, type Storage, type StoredDocument } from '@cx/core';
import type { QuintileCuts, RfmScore } from './quintiles';
import type { RfmSegmentsConfig } from './rfm-segments';
import type { RfmProfileScores, RfmScoring, ScoreHistogram } from './score-rfm';

/*
 * Storage layout of RFM snapshots (one RFM model per workspace):
 * - `segments.rfm.index` / `snapshots`: the sorted as-of times of every snapshot. Every snapshot
 *   commit writes it with `expectedVersion`, so snapshot writes are serialised and a reader
 *   finds "the snapshot at or before t" in one read.
 * - `segments.rfm.snapshots` / `<asOf ISO>`: the summary (cut points, counts, settings) and the
 *   run id and chunk count of its scores.
 * - `segments.rfm.scores` / `<asOf ISO>/<run>/<n>`: the scores of the profiles whose id hashes
 *   to chunk n. Chunks are written first, in batches; the summary, written last, makes them
 *   visible, so a reader never sees half a snapshot.
 */

/** Collection of the snapshot index. */
export const RFM_INDEX = 'segments.rfm.index';
/** Collection of snapshot summaries, keyed by as-of time. */
export const RFM_SNAPSHOTS = 'segments.rfm.snapshots';
/** Collection of per-profile score chunks. */
export const RFM_SCORES = 'segments.rfm.scores';

const INDEX_KEY = 'snapshots';
/** Profiles per chunk document (about 40 KB of JSON). */
const PROFILES_PER_CHUNK = 500;
/** Chunk documents per `putMany` call: about 20,000 profiles, a few MB per round trip. */
const CHUNKS_PER_WRITE = 40;

/** What was measured, and how, for a snapshot. */
export interface RfmSettings {
  /** The `track` event name counted as a purchase. */
  purchaseEvent: string;
  /** The revenue properties, tried in order. */
  revenueProperties: string[];
  /** Monetary value as total or average revenue. */
  monetary: 'total' | 'average';
  /** The named segments the profiles were put in. */
  segments: RfmSegmentsConfig;
}

/** The summary of one RFM snapshot. */
export interface RfmSnapshot {
  /** The as-of time (UTC ISO): purchases at or before it were counted. */
  asOf: string;
  /** When it was computed, from the model's clock. */
  computedAt: string;
  /** Profiles with at least one purchase at or before `asOf`. */
  population: number;
  /** True when the cut points are exact quantiles, false when they come from the sketch. */
  exact: boolean;
  /** Quintile cut points of each measure (recency in days); a value equal to a cut is below it. */
  cutPoints: { recencyDays: QuintileCuts; frequency: QuintileCuts; monetary: QuintileCuts };
  /** Profiles per segment name, every segment of the config listed. */
  segments: Record<string, number>;
  /** Profiles per score (index 0 is score 1) of each dimension. */
  scores: { r: ScoreHistogram; f: ScoreHistogram; m: ScoreHistogram };
  /** How purchases were read and segments named for this snapshot. */
  settings: RfmSettings;
}

/** A summary as stored: where its scores are. */
export interface StoredSnapshot extends RfmSnapshot {
  /** Id of the computation that wrote the chunks (a refresh of the same date writes new ones). */
  run: string;
  /** Number of score chunks. */
  chunks: number;
}

/** One profile's scores as of a snapshot. */
export interface RfmProfileSnapshot extends RfmProfileScores {
  /** As-of time of the snapshot the scores come from. */
  asOf: string;
  /** UTC ISO time of the last purchase counted. */
  lastPurchaseAt: string;
}

/** A chunk row: r, f, m, fm, segment, recency days, frequency, monetary, last purchase (epoch ms). */
type ChunkRow = [RfmScore, RfmScore, RfmScore, RfmScore, string, number, number, number, number];
interface Chunk {
  profiles: Record<string, ChunkRow>;
}

interface SnapshotIndex {
  asOf: string[];
}

/** FNV-1a over UTF-16 code units: the chunk of a profile id, the same on every adapter. */
export function chunkOf(profileId: string, chunks: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < profileId.length; i++) {
    hash ^= profileId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % chunks;
}

const chunkKey = (asOf: string, run: string, index: number) => `${asOf}/${run}/${index}`;

/** The scored profiles, with the epoch ms of each one's last purchase. */
export interface ScoredProfiles {
  /** The scores. */
  scoring: RfmScoring;
  /** Last purchase time per profile. */
  lastAt: ReadonlyMap<string, number>;
}

/**
 * Writes the score chunks of a snapshot (batched `putMany`s, invisible until the summary is
 * committed) and returns the summary to commit.
 */
export async function writeChunks(
  storage: Storage,
  workspaceId: string,
  snapshot: RfmSnapshot,
  scored: ScoredProfiles,
  run: string,
): Promise<StoredSnapshot> {
  const chunks = Math.max(1, Math.ceil(scored.scoring.population / PROFILES_PER_CHUNK));
  // No prototype: a profile id such as `__proto__` is an ordinary key.
  const bodies: Chunk[] = Array.from({ length: chunks }, () => ({ profiles: Object.create(null) }));
  for (const p of scored.scoring.profiles) {
    bodies[chunkOf(p.profileId, chunks)]!.profiles[p.profileId] = [
      p.r,
      p.f,
      p.m,
      p.fm,
      p.segment,
      p.recencyDays,
      p.frequency,
      p.monetary,
      scored.lastAt.get(p.profileId)!,
    ];
  }
  for (let start = 0; start < chunks; start += CHUNKS_PER_WRITE) {
    const batch: PutDocumentInput<Chunk>[] = [];
    for (let index = start; index < Math.min(chunks, start + CHUNKS_PER_WRITE); index++) {
      batch.push({ collection: RFM_SCORES, key: chunkKey(snapshot.asOf, run, index), value: bodies[index]! });
    }
    await storage.documents.putMany(workspaceId, batch);
  }
  return { ...snapshot, run, chunks };
}

/** The index and its version (0 when there is none yet). */
export async function readIndex(
  storage: Storage,
  workspaceId: string,
): Promise<{ asOf: string[]; version: number }> {
  const doc = await storage.documents.get<SnapshotIndex>(workspaceId, RFM_INDEX, INDEX_KEY);
  return { asOf: doc?.value.asOf ?? [], version: doc?.version ?? 0 };
}

/**
 * The document writes that publish a snapshot: its summary, and the index with the as-of time
 * added, checked against the index version read before (a concurrent publish conflicts).
 */
export function publishWrites(
  index: { asOf: string[]; version: number },
  summary: StoredSnapshot,
): PutDocumentInput[] {
  const asOf = index.asOf.includes(summary.asOf) ? index.asOf : [...index.asOf, summary.asOf].sort();
  return [
    { collection: RFM_SNAPSHOTS, key: summary.asOf, value: summary },
    { collection: RFM_INDEX, key: INDEX_KEY, value: { asOf }, expectedVersion: index.version },
  ];
}

/** The latest as-of time in `index` at or before `atMs` (every one when `atMs` is undefined), or null. */
export function asOfAtOrBefore(index: readonly string[], atMs?: number): string | null {
  for (let i = index.length - 1; i >= 0; i--) {
    if (atMs === undefined || Date.parse(index[i]!) <= atMs) return index[i]!;
  }
  return null;
}

/** A stored summary, or null. */
export async function readSummary(
  storage: Storage,
  workspaceId: string,
  asOf: string,
): Promise<StoredSnapshot | null> {
  const doc = await storage.documents.get<StoredSnapshot>(workspaceId, RFM_SNAPSHOTS, asOf);
  return doc?.value ?? null;
}

/** Several summaries, in the order asked (missing ones left out). */
export async function readSummaries(
  storage: Storage,
  workspaceId: string,
  asOf: readonly string[],
): Promise<StoredSnapshot[]> {
  const out: StoredSnapshot[] = [];
  for (let i = 0; i < asOf.length; i += MAX_PAGE_SIZE) {
    const docs = await storage.documents.getMany<StoredSnapshot>(
      workspaceId,
      RFM_SNAPSHOTS,
      asOf.slice(i, i + MAX_PAGE_SIZE),
    );
    const byKey = new Map(docs.map((doc) => [doc.key, doc.value]));
    for (const key of asOf.slice(i, i + MAX_PAGE_SIZE)) {
      const value = byKey.get(key);
      if (value !== undefined) out.push(value);
    }
  }
  return out;
}

/** The public form of a stored summary. */
export function publicSnapshot(stored: StoredSnapshot): RfmSnapshot {
  const { run: _run, chunks: _chunks, ...snapshot } = stored;
  return snapshot;
}

const fromRow = (asOf: string, profileId: string, row: ChunkRow): RfmProfileSnapshot => ({
  asOf,
  profileId,
  r: row[0],
  f: row[1],
  m: row[2],
  fm: row[3],
  segment: row[4],
  recencyDays: row[5],
  frequency: row[6],
  monetary: row[7],
  lastPurchaseAt: new Date(row[8]).toISOString(),
});

/**
 * One profile's scores in a snapshot; `undefined` when a chunk is missing (the snapshot was
 * replaced since its summary was read), `null` when the profile is not in it.
 */
export async function readProfile(
  storage: Storage,
  workspaceId: string,
  summary: StoredSnapshot,
  profileId: string,
): Promise<RfmProfileSnapshot | null | undefined> {
  const key = chunkKey(summary.asOf, summary.run, chunkOf(profileId, summary.chunks));
  const doc = await storage.documents.get<Chunk>(workspaceId, RFM_SCORES, key);
  if (doc === null) return undefined;
  const profiles = doc.value.profiles;
  return Object.hasOwn(profiles, profileId) ? fromRow(summary.asOf, profileId, profiles[profileId]!) : null;
}

/** Every profile's segment in a snapshot; `null` when a chunk is missing (replaced meanwhile). */
export async function readSegments(
  storage: Storage,
  workspaceId: string,
  summary: StoredSnapshot,
): Promise<Map<string, string> | null> {
  const out = new Map<string, string>();
  for (let start = 0; start < summary.chunks; start += CHUNKS_PER_WRITE) {
    const keys: string[] = [];
    for (let index = start; index < Math.min(summary.chunks, start + CHUNKS_PER_WRITE); index++) {
      keys.push(chunkKey(summary.asOf, summary.run, index));
    }
    const docs: StoredDocument<Chunk>[] = await storage.documents.getMany<Chunk>(
      workspaceId,
      RFM_SCORES,
      keys,
    );
    if (docs.length !== keys.length) return null;
    for (const doc of docs) {
      for (const [profileId, row] of Object.entries(doc.value.profiles)) out.set(profileId, row[4]);
    }
  }
  return out;
}

/** Deletes the chunks of a replaced run (best effort: a crash leaves unreachable chunks, no wrong data). */
export async function deleteChunks(
  storage: Storage,
  workspaceId: string,
  replaced: StoredSnapshot,
): Promise<void> {
  for (let index = 0; index < replaced.chunks; index++) {
    await storage.documents.delete(workspaceId, RFM_SCORES, chunkKey(replaced.asOf, replaced.run, index));
  }
}
