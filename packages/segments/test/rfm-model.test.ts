import {
  isCxError,
  ManualClock,
  memoryStorage,
  type Page,
  type Storage,
  type StoredDocument,
} from '@cx/core';
import { describe, expect, it } from 'vitest';
import { RFM_NONE } from '../src/rfm/migration-matrix';
import { RFM_QUEUE } from '../src/rfm/refresh-schedule';
import { createRfm } from '../src/rfm/rfm-model';
import { DEFAULT_RFM_SEGMENTS } from '../src/rfm/rfm-segments';
import { RFM_INDEX, RFM_SCORES, RFM_SNAPSHOTS } from '../src/rfm/snapshot-store';
import { appendAll, DAY, purchase } from './fixtures/rfm-fixtures';

const WS = 'acme';

/** Everything the RFM model may have stored: its documents and its queue. */
async function stored(storage: Storage) {
  const documents: Record<string, unknown> = {};
  for (const collection of [RFM_INDEX, RFM_SNAPSHOTS, RFM_SCORES]) {
    let cursor: string | null = null;
    do {
      const page: Page<StoredDocument> = await storage.documents.list(WS, collection, {
        limit: 1000,
        cursor,
      });
      for (const doc of page.items)
        documents[`${collection}/${doc.key}`] = { v: doc.version, value: doc.value };
      cursor = page.nextCursor;
    } while (cursor);
  }
  return { documents, work: await storage.work.get(WS, RFM_QUEUE, 'refresh') };
}

async function expectValidation(run: () => Promise<unknown> | unknown, path: string) {
  try {
    await run();
  } catch (error) {
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toContain(path);
    return;
  }
  throw new Error('expected a ValidationError');
}

describe('createRfm', () => {
  it('scores purchases as of a date: recency, every order, total revenue, the survivor of merges', async () => {
    const storage = memoryStorage();
    await storage.profiles.createMany(WS, [{ id: 'a' }, { id: 'b' }, { id: 'b2' }, { id: 'c' }]);
    await appendAll(storage, WS, [
      purchase('a', '2026-01-30T10:00:00Z', { revenue: 100 }),
      purchase('a', '2026-01-30T18:00:00Z', { revenue: 50 }), // same day: a second order
      purchase('b', '2026-01-01T00:00:00Z', { revenue: 20 }),
      purchase('b2', '2026-01-20T00:00:00Z', { revenue: 30 }), // b2 is merged into b below
      purchase('c', '2026-01-10T00:00:00Z', { total: 70 }), // no `revenue`: an order worth 0
      purchase('c', '2026-02-05T00:00:00Z', { revenue: 999 }), // after asOf
      purchase('d', '2026-01-05T00:00:00Z', { revenue: 5 }), // no profile record: scored as is
      purchase('a', '2026-01-29T00:00:00Z', { revenue: 1 }, 'Product Viewed'), // not a purchase
    ]);
    await storage.profiles.merge(WS, { into: 'b', from: 'b2' });
    const rfm = createRfm({ storage, workspaceId: WS });
    const snapshot = await rfm.refresh('2026-01-31');
    expect(snapshot.asOf).toBe('2026-01-31T00:00:00.000Z');
    expect(snapshot.population).toBe(4);
    expect(snapshot.exact).toBe(true);
    const a = await rfm.scoresOf('a');
    expect(a).toMatchObject({
      recencyDays: 0,
      frequency: 2,
      monetary: 150,
      lastPurchaseAt: '2026-01-30T18:00:00.000Z',
    });
    expect(await rfm.scoresOf('b')).toMatchObject({ recencyDays: 11, frequency: 2, monetary: 50 });
    // The merged-away id answers with its survivor's scores.
    expect(await rfm.scoresOf('b2')).toMatchObject({ profileId: 'b', frequency: 2 });
    expect(await rfm.scoresOf('c')).toMatchObject({ recencyDays: 21, frequency: 1, monetary: 0 });
    expect(await rfm.scoresOf('d')).toMatchObject({ recencyDays: 26, frequency: 1, monetary: 5 });
    expect(await rfm.scoresOf('nobody')).toBeNull();
    expect(a!.r).toBe(5);
    expect(Object.values(snapshot.segments).reduce((x, y) => x + y, 0)).toBe(4);
  });

  it('takes the revenue property and the monetary mode from its options', async () => {
    const storage = memoryStorage();
    await appendAll(storage, WS, [
      purchase('a', '2026-01-01', { total: 30 }),
      purchase('a', '2026-01-02', { revenue: 10, total: 12 }),
      purchase('b', '2026-01-02', { revenue: 'lots' }),
      purchase('c', '2026-01-02', { amount: 7 }, 'Purchase'),
    ]);
    const rfm = createRfm({
      storage,
      workspaceId: WS,
      revenueProperty: ['revenue', 'total'],
      monetary: 'average',
    });
    await rfm.refresh('2026-01-03');
    expect(await rfm.scoresOf('a')).toMatchObject({ frequency: 2, monetary: 20 });
    expect(await rfm.scoresOf('b')).toMatchObject({ frequency: 1, monetary: 0 });
    expect(await rfm.scoresOf('c')).toBeNull();
    const custom = createRfm({
      storage,
      workspaceId: WS,
      purchaseEvent: 'Purchase',
      revenueProperty: 'amount',
    });
    const snapshot = await custom.refresh('2026-01-03');
    expect(snapshot.population).toBe(1);
    expect(snapshot.settings).toMatchObject({ purchaseEvent: 'Purchase', revenueProperties: ['amount'] });
  });

  it('keeps dated snapshots, replaces a refresh of the same date, and counts migrations', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const storage = memoryStorage({ clock });
    // 1,200 profiles (three score chunks); their purchases spread over two months.
    const events = [];
    for (let i = 0; i < 1200; i++) {
      const id = `p${String(i).padStart(4, '0')}`;
      events.push(purchase(id, Date.parse('2026-01-01') + (i % 30) * DAY, { revenue: 10 + (i % 97) }));
      if (i % 3 === 0)
        events.push(purchase(id, Date.parse('2026-02-01') + (i % 27) * DAY, { revenue: i % 50 }));
    }
    await appendAll(storage, WS, events);
    const rfm = createRfm({ storage, workspaceId: WS, clock });
    expect(await rfm.snapshot()).toBeNull();
    const january = await rfm.refresh('2026-01-31');
    const first = await rfm.refresh('2026-02-28');
    const february = await rfm.refresh('2026-02-28'); // again: replaces, no leftovers
    expect(february).toEqual(first);
    expect((await rfm.listSnapshots()).map((s) => s.asOf)).toEqual([january.asOf, february.asOf]);
    const chunkKeys = Object.keys((await stored(storage)).documents).filter((key) =>
      key.startsWith(RFM_SCORES),
    );
    expect(chunkKeys).toHaveLength(3 + 3);
    expect((await rfm.snapshot('2026-02-15'))?.asOf).toBe(january.asOf);
    expect(await rfm.snapshot('2025-12-31')).toBeNull();
    expect((await rfm.scoresOf('p0003', { asOf: '2026-02-01' }))?.asOf).toBe(january.asOf);

    const matrix = await rfm.migrationMatrix('2026-02-01', '2026-03-01');
    expect(matrix.from).toBe(january.asOf);
    expect(matrix.to).toBe(february.asOf);
    expect(matrix.states).toEqual([...DEFAULT_RFM_SEGMENTS.segments.map((s) => s.name), RFM_NONE]);
    const rowSum = (state: string) => Object.values(matrix.counts[state]!).reduce((x, y) => x + y, 0);
    for (const [segment, count] of Object.entries(january.segments)) expect(rowSum(segment)).toBe(count);
    expect(matrix.states.filter((s) => s !== RFM_NONE).reduce((sum, s) => sum + rowSum(s), 0)).toBe(
      january.population,
    );
    expect(rowSum(RFM_NONE)).toBe(february.population - january.population);
    await expect(rfm.migrationMatrix('2025-01-01', '2026-03-01')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('publishes concurrent refreshes one after the other, losing none', async () => {
    const storage = memoryStorage();
    await appendAll(storage, WS, [
      purchase('a', '2026-01-01', { revenue: 1 }),
      purchase('b', '2026-01-05', {}),
    ]);
    const rfm = createRfm({ storage, workspaceId: WS });
    const dates = ['2026-01-02', '2026-01-04', '2026-01-06', '2026-01-08'];
    await Promise.all(dates.map((date) => rfm.refresh(date)));
    const snapshots = await rfm.listSnapshots();
    expect(snapshots.map((s) => s.asOf.slice(0, 10))).toEqual(dates);
    expect(snapshots.map((s) => s.population)).toEqual([1, 1, 2, 2]);
  });

  it('refuses bad input with ValidationError and paths, storing nothing', async () => {
    const storage = memoryStorage();
    await appendAll(storage, WS, [purchase('a', '2026-01-01', { revenue: 1 })]);
    const rfm = createRfm({ storage, workspaceId: WS });
    await rfm.refresh('2026-01-02');
    const before = await stored(storage);

    await expectValidation(() => rfm.refresh('yesterday'), '');
    await expectValidation(() => rfm.refresh(-5), '');
    await expectValidation(() => rfm.scoresOf(''), '');
    await expectValidation(() => rfm.scoresOf('a', { asOf: 'soon' }), 'asOf');
    await expectValidation(() => rfm.scoresOf('a', { when: 1 } as never), '');
    await expectValidation(() => rfm.snapshot(Number.NaN), '');
    await expectValidation(() => rfm.migrationMatrix('2026-02-01', '2026-01-01'), 'to');
    await expectValidation(() => rfm.migrationMatrix('x', '2026-01-01'), 'from');
    await expectValidation(() => rfm.scheduleRefresh({ every: 10 }), 'every');
    await expectValidation(() => rfm.scheduleRefresh({ every: DAY, startAt: 'never' }), 'startAt');
    await expectValidation(() => createRfm({ storage, workspaceId: 'no spaces' }), 'workspaceId');
    await expectValidation(
      () => createRfm({ storage, workspaceId: WS, monetary: 'median' as never }),
      'monetary',
    );
    await expectValidation(
      () => createRfm({ storage, workspaceId: WS, segments: { segments: [{ name: 'Half', r: [1, 2] }] } }),
      'segments.segments',
    );
    await expectValidation(() => createRfm({ storage: {} as Storage, workspaceId: WS }), 'storage');
    await expectValidation(() => createRfm({ storage, workspaceId: WS, sketch: { k: 1 } }), 'sketch.k');

    expect(await stored(storage)).toEqual(before);
  });

  it('refreshes on a schedule: each run commits its snapshot with the next run', async () => {
    const clock = new ManualClock('2026-01-10T12:00:00Z');
    const storage = memoryStorage({ clock });
    await appendAll(storage, WS, [
      purchase('a', '2026-01-09', { revenue: 10 }),
      purchase('b', '2026-01-11T06:00:00Z', { revenue: 20 }),
    ]);
    const rfm = createRfm({ storage, workspaceId: WS, clock });
    const item = await rfm.scheduleRefresh({ every: DAY });
    expect(item).toMatchObject({ queue: 'segments.rfm', key: 'refresh', dueAt: '2026-01-11T00:00:00.000Z' });
    const worker = rfm.refreshWorker({ heartbeat: false });
    expect(await worker.drain()).toBe(0);

    clock.set('2026-01-11T00:00:00Z');
    expect(await worker.drain()).toBe(1);
    expect((await rfm.listSnapshots()).map((s) => [s.asOf, s.population])).toEqual([
      ['2026-01-11T00:00:00.000Z', 1],
    ]);
    expect((await storage.work.get(WS, RFM_QUEUE, 'refresh'))?.dueAt).toBe('2026-01-12T00:00:00.000Z');

    // The worker was down for three days: one run, as of its due time, then back on the grid.
    clock.set('2026-01-14T09:00:00Z');
    expect(await worker.drain()).toBe(1);
    expect((await rfm.snapshot())?.asOf).toBe('2026-01-12T00:00:00.000Z');
    expect((await rfm.snapshot())?.population).toBe(2);
    expect((await storage.work.get(WS, RFM_QUEUE, 'refresh'))?.dueAt).toBe('2026-01-15T00:00:00.000Z');

    // Rescheduling replaces; cancelling removes.
    const moved = await rfm.scheduleRefresh({ every: 7 * DAY, startAt: '2026-02-01' });
    expect(moved.dueAt).toBe('2026-02-01T00:00:00.000Z');
    expect(await rfm.cancelScheduledRefresh()).toBe(true);
    expect(await storage.work.get(WS, RFM_QUEUE, 'refresh')).toBeNull();
    await worker.stop();
  });

  it('approximates cut points with the sketch above its exact limit', async () => {
    const storage = memoryStorage();
    const events = Array.from({ length: 3000 }, (_, i) =>
      purchase(`p${i}`, Date.parse('2026-01-01') + (i % 60) * DAY, { revenue: (i * 37) % 1000 }),
    );
    await appendAll(storage, WS, events);
    const rfm = createRfm({ storage, workspaceId: WS, sketch: { exactLimit: 0, k: 200 } });
    const snapshot = await rfm.refresh('2026-03-01');
    expect(snapshot.exact).toBe(false);
    // Monetary is uniform over 0..999: the cuts land within 2 % of the ranks of 200, 400, 600, 800.
    snapshot.cutPoints.monetary.forEach((cut, j) => {
      expect(Math.abs(cut - (j + 1) * 200)).toBeLessThan(20);
    });
  });
});
