import {
  type Clock,
  type CommitInput,
  ConflictError,
  createWorker,
  isCxError,
  NotFoundError,
  newId,
  parseOrThrow,
  type Storage,
  systemClock,
  type Worker,
  type WorkerOptions,
  type WorkItem,
} from '@cx/core';
import { resolveSurvivors } from '../profiles/resolve-survivors';
import type { QuantileSketchOptions } from './kll-sketch';
import { migrationCounts, type RfmMigrationMatrix } from './migration-matrix';
import { addTotals, collectPurchases, type PurchaseTotals } from './purchase-totals';
import {
  firstDue,
  nextDue,
  RFM_QUEUE,
  RFM_REFRESH_KEY,
  type RfmRefreshPayload,
  type RfmRefreshScheduleOptions,
  refreshPayloadSchema,
  refreshScheduleSchema,
} from './refresh-schedule';
import {
  type Instant,
  instantSchema,
  migrationQuerySchema,
  profileIdSchema,
  rfmOptionsSchema,
  scoresOfOptionsSchema,
} from './rfm-inputs';
import { toMeasures } from './rfm-measures';
import { DEFAULT_RFM_SEGMENTS, type RfmSegmentsConfig, rfmSegmenter } from './rfm-segments';
import { scoreValidated } from './score-rfm';
import {
  asOfAtOrBefore,
  deleteChunks,
  publicSnapshot,
  publishWrites,
  type RfmProfileSnapshot,
  type RfmSettings,
  type RfmSnapshot,
  readIndex,
  readProfile,
  readSegments,
  readSummaries,
  readSummary,
  type StoredSnapshot,
  writeChunks,
} from './snapshot-store';

/** Options of {@link createRfm}. */
export interface RfmOptions {
  /** Where the purchase events are read and the snapshots kept. */
  storage: Storage;
  /** The workspace (tenant) scored; one RFM model per workspace. */
  workspaceId: string;
  /** Where "now" comes from (the default as-of time, `computedAt`, schedules); default the system clock. */
  clock?: Clock;
  /** The `track` event name of a purchase; default `Order Completed` (Segment's e-commerce spec). */
  purchaseEvent?: string;
  /**
   * The property holding a purchase's revenue, or several tried in order (the first finite
   * number wins, such as `['revenue', 'total']`); default `revenue`. A purchase without one
   * still counts for recency and frequency, with revenue 0.
   */
  revenueProperty?: string | readonly string[];
  /** Monetary value as the `total` revenue (default) or the `average` revenue per order. */
  monetary?: 'total' | 'average';
  /** Named segments; default {@link DEFAULT_RFM_SEGMENTS}. */
  segments?: RfmSegmentsConfig;
  /** Quantile sketch settings; by default cut points are exact up to 100,000 profiles. */
  sketch?: QuantileSketchOptions;
}

/** Options of {@link Rfm.refreshWorker}: those of `createWorker` that the model does not set itself. */
export type RfmWorkerOptions = Omit<
  WorkerOptions<RfmRefreshPayload>,
  'storage' | 'workspaceId' | 'queue' | 'handler' | 'clock'
>;

/** A durable RFM model of one workspace. */
export interface Rfm {
  /** The workspace this model scores. */
  readonly workspaceId: string;
  /**
   * Scores every profile with a purchase at or before `asOf` (default now) and stores the
   * snapshot, replacing one with the same as-of time.
   * @throws `ValidationError` for a bad `asOf`; nothing is stored then.
   */
  refresh(asOf?: Instant): Promise<RfmSnapshot>;
  /**
   * A profile's scores in the latest snapshot at or before `asOf` (default the latest), or
   * `null`. A profile merged away since is answered with its surviving profile's scores.
   * @throws `ValidationError` for a bad id or `asOf`.
   */
  scoresOf(profileId: string, options?: { asOf?: Instant }): Promise<RfmProfileSnapshot | null>;
  /** The latest snapshot at or before `asOf` (default the latest of all), or `null`. @throws `ValidationError`. */
  snapshot(asOf?: Instant): Promise<RfmSnapshot | null>;
  /** Every snapshot's summary, oldest first. */
  listSnapshots(): Promise<RfmSnapshot[]>;
  /**
   * Profiles moving between named segments: from the snapshot at or before `from` to the one at
   * or before `to`.
   * @throws `ValidationError` for bad times or `to` before `from`; `NotFoundError` when there is
   * no snapshot at or before one of them; `ConflictError` when snapshots were replaced throughout.
   */
  migrationMatrix(from: Instant, to: Instant): Promise<RfmMigrationMatrix>;
  /**
   * Schedules recurring refreshes on the work queue `segments.rfm` (replacing an earlier
   * schedule). Run {@link Rfm.refreshWorker} somewhere to carry them out.
   * @throws `ValidationError` for bad options; nothing is scheduled then.
   */
  scheduleRefresh(options: RfmRefreshScheduleOptions): Promise<WorkItem<RfmRefreshPayload>>;
  /** Removes the scheduled refresh; `false` when there was none. */
  cancelScheduledRefresh(): Promise<boolean>;
  /**
   * A worker of the `segments.rfm` queue. Each due item refreshes as of its due time, and the
   * snapshot, the item's completion and the next run commit together: a crash leaves either
   * all three or none. Call `start()` (or `drain()` in tests).
   */
  refreshWorker(options?: RfmWorkerOptions): Worker;
}

/** How many times `refresh` retries publishing when another writer published first. */
const PUBLISH_ATTEMPTS = 5;
/** How many times a reader re-reads when a snapshot was replaced while it read. */
const READ_ATTEMPTS = 3;

/**
 * Creates a durable RFM (recency, frequency, monetary) model over a storage: scores profiles 1–5
 * by quintiles of their purchases, names their segment, keeps dated snapshots and the
 * migrations between them.
 *
 * Purchases are `track` events named `purchaseEvent`, attributed by `profileId` and counted for
 * the profile that survives any merge since (by the profile store's `mergedInto`). Every order
 * counts towards frequency, several on one day included (the event store already drops
 * retried duplicates by `messageId`). See {@link scoreRfm} for cut points and ties.
 *
 * @example
 * ```ts
 * import { memoryStorage } from '@cx/core';
 * const rfm = createRfm({ storage: memoryStorage(), workspaceId: 'acme' });
 * await rfm.refresh('2026-01-31');
 * const scores = await rfm.scoresOf('p1'); // { r: 5, f: 4, m: 5, segment: 'Champions', … } or null
 * ```
 *
 * @throws `ValidationError` naming the path of a bad option (such as `segments.segments[2].r`).
 */
export function createRfm(options: RfmOptions): Rfm {
  const parsed = parseOrThrow(rfmOptionsSchema, options, 'RFM options');
  const { storage, workspaceId } = parsed;
  const clock = parsed.clock ?? systemClock;
  const segmenter = rfmSegmenter((parsed.segments as RfmSegmentsConfig | undefined) ?? DEFAULT_RFM_SEGMENTS);
  const settings: RfmSettings = {
    purchaseEvent: parsed.purchaseEvent ?? 'Order Completed',
    revenueProperties:
      parsed.revenueProperty === undefined
        ? ['revenue']
        : typeof parsed.revenueProperty === 'string'
          ? [parsed.revenueProperty]
          : [...parsed.revenueProperty],
    monetary: parsed.monetary ?? 'total',
    segments: segmenter.config,
  };
  const sketchOptions = parsed.sketch ?? {};

  /** Computes a snapshot and writes its chunks; the returned summary still has to be published. */
  const prepare = async (asOfMs: number): Promise<StoredSnapshot> => {
    const byEventProfile = await collectPurchases(storage, workspaceId, {
      purchaseEvent: settings.purchaseEvent,
      revenueProperties: settings.revenueProperties,
      asOfMs,
    });
    const survivors = await resolveSurvivors(storage, workspaceId, byEventProfile.keys());
    const totals = new Map<string, PurchaseTotals>();
    for (const [profileId, own] of byEventProfile) {
      const survivor = survivors.get(profileId) ?? profileId;
      const current = totals.get(survivor);
      if (current === undefined) totals.set(survivor, { ...own });
      else addTotals(current, own);
    }
    const measures = [...totals].map(([profileId, sums]) =>
      toMeasures(profileId, sums, asOfMs, settings.monetary),
    );
    const scoring = scoreValidated(measures, segmenter, sketchOptions);
    const snapshot: RfmSnapshot = {
      asOf: new Date(asOfMs).toISOString(),
      computedAt: new Date(clock.now()).toISOString(),
      population: scoring.population,
      exact: scoring.exact,
      cutPoints: scoring.cutPoints,
      segments: scoring.segmentCounts,
      scores: scoring.scoreCounts,
      settings,
    };
    const lastAt = new Map([...totals].map(([profileId, sums]) => [profileId, sums.lastAt]));
    return writeChunks(storage, workspaceId, snapshot, { scoring, lastAt }, newId());
  };

  /** The stored summary of the latest snapshot at or before `atMs`, or null. */
  const summaryAt = async (atMs?: number): Promise<StoredSnapshot | null> => {
    const index = await readIndex(storage, workspaceId);
    const asOf = asOfAtOrBefore(index.asOf, atMs);
    return asOf === null ? null : readSummary(storage, workspaceId, asOf);
  };

  const handler = async (item: WorkItem<RfmRefreshPayload>): Promise<CommitInput> => {
    const { every } = parseOrThrow(refreshPayloadSchema, item.payload, 'RFM refresh payload');
    const dueMs = Date.parse(item.dueAt);
    const summary = await prepare(dueMs);
    const index = await readIndex(storage, workspaceId);
    return {
      documents: publishWrites(index, summary),
      schedule: [
        {
          queue: RFM_QUEUE,
          key: RFM_REFRESH_KEY,
          dueAt: nextDue(dueMs, clock.now(), every),
          payload: { every },
        },
      ],
    };
  };

  return {
    workspaceId,

    async refresh(asOf) {
      const asOfMs = asOf === undefined ? clock.now() : parseOrThrow(instantSchema, asOf, 'asOf');
      const summary = await prepare(asOfMs);
      for (let attempt = 1; ; attempt++) {
        const index = await readIndex(storage, workspaceId);
        const replaced = index.asOf.includes(summary.asOf)
          ? await readSummary(storage, workspaceId, summary.asOf)
          : null;
        try {
          await storage.commit(workspaceId, { documents: publishWrites(index, summary) });
        } catch (error) {
          if (isCxError(error, 'CONFLICT') && attempt < PUBLISH_ATTEMPTS) continue;
          await deleteChunks(storage, workspaceId, summary);
          throw error;
        }
        if (replaced !== null && replaced.run !== summary.run)
          await deleteChunks(storage, workspaceId, replaced);
        return publicSnapshot(summary);
      }
    },

    async scoresOf(profileId, query) {
      const id = parseOrThrow(profileIdSchema, profileId, 'profileId');
      const atMs = parseOrThrow(scoresOfOptionsSchema, query, 'scoresOf options')?.asOf;
      for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        const summary = await summaryAt(atMs);
        if (summary === null) return null;
        const own = await readProfile(storage, workspaceId, summary, id);
        if (own === undefined) continue; // replaced while reading: read the new one
        if (own !== null) return own;
        const survivor = (await resolveSurvivors(storage, workspaceId, [id])).get(id) ?? id;
        if (survivor === id) return null;
        const merged = await readProfile(storage, workspaceId, summary, survivor);
        if (merged !== undefined) return merged;
      }
      return null;
    },

    async snapshot(asOf) {
      const atMs = asOf === undefined ? undefined : parseOrThrow(instantSchema, asOf, 'asOf');
      const summary = await summaryAt(atMs);
      return summary === null ? null : publicSnapshot(summary);
    },

    async listSnapshots() {
      const index = await readIndex(storage, workspaceId);
      return (await readSummaries(storage, workspaceId, index.asOf)).map(publicSnapshot);
    },

    async migrationMatrix(from, to) {
      const query = parseOrThrow(migrationQuerySchema, { from, to }, 'migration matrix query');
      for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        const index = await readIndex(storage, workspaceId);
        const keys = [asOfAtOrBefore(index.asOf, query.from), asOfAtOrBefore(index.asOf, query.to)];
        const missing = keys.indexOf(null);
        if (missing >= 0) {
          const at = new Date(missing === 0 ? query.from : query.to).toISOString();
          throw new NotFoundError(`No RFM snapshot at or before ${at} in workspace ${workspaceId}`);
        }
        const [before, after] = await readSummaries(storage, workspaceId, keys as string[]).then((found) =>
          keys.map((key) => found.find((summary) => summary.asOf === key)),
        );
        if (before === undefined || after === undefined) continue;
        const segmentsBefore = await readSegments(storage, workspaceId, before);
        const segmentsAfter = await readSegments(storage, workspaceId, after);
        if (segmentsBefore === null || segmentsAfter === null) continue;
        const names = (summary: StoredSnapshot) =>
          summary.settings.segments.segments.map((rule) => rule.name);
        return migrationCounts(
          { asOf: before.asOf, names: names(before), segments: segmentsBefore },
          { asOf: after.asOf, names: names(after), segments: segmentsAfter },
        );
      }
      throw new ConflictError('RFM snapshots kept changing while the migration matrix was read; try again');
    },

    async scheduleRefresh(schedule) {
      const parsedSchedule = parseOrThrow(refreshScheduleSchema, schedule, 'RFM refresh schedule');
      const [item] = await storage.work.schedule<RfmRefreshPayload>(workspaceId, [
        {
          queue: RFM_QUEUE,
          key: RFM_REFRESH_KEY,
          dueAt: firstDue(clock.now(), parsedSchedule.every, parsedSchedule.startAt),
          payload: { every: parsedSchedule.every },
          ifExists: 'replace',
        },
      ]);
      return item!;
    },

    cancelScheduledRefresh() {
      return storage.work.cancel(workspaceId, RFM_QUEUE, RFM_REFRESH_KEY);
    },

    refreshWorker(workerOptions = {}) {
      return createWorker<RfmRefreshPayload>({
        ...workerOptions,
        storage,
        workspaceId,
        clock,
        queue: RFM_QUEUE,
        handler,
      });
    },
  };
}
