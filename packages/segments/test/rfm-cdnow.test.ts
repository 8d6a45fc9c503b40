import { memoryStorage, type Storage } from '@cx/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RFM_NONE } from '../src/rfm/migration-matrix';
import { createRfm } from '../src/rfm/rfm-model';
import { appendAll, type CdnowPurchase, cdnowEvents, DAY, GRID, readCdnow } from './fixtures/rfm-fixtures';

/*
 * The CDNOW sample (2,357 customers, 6,919 purchases, Jan 1997 – Jun 1998) scored by the model
 * and by a straightforward computation written here from the definitions: sort each measure,
 * cut at sorted[ceil(j·n/5) − 1], a value equal to a cut goes to the lower interval of the raw
 * measure, recency reversed, segment from the R-vs-FM grid.
 */

const WS = 'cdnow';
const END = '1998-06-30';

interface Expected {
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: string;
}

/** The reference computation, independent of the model's code. */
function referenceScores(rows: readonly CdnowPurchase[], asOf: string): Map<string, Expected> {
  const asOfMs = Date.parse(asOf);
  const customers = new Map<string, { last: number; count: number; sum: number }>();
  for (const row of rows) {
    if (row.at > asOfMs) continue;
    const c = customers.get(row.customerId) ?? { last: 0, count: 0, sum: 0 };
    c.last = Math.max(c.last, row.at);
    c.count += 1;
    c.sum += row.amount;
    customers.set(row.customerId, c);
  }
  const measures = [...customers].map(([id, c]) => ({
    id,
    recencyDays: (asOfMs - c.last) / DAY,
    frequency: c.count,
    monetary: Math.round(c.sum * 100) / 100,
  }));
  const cuts = (key: 'recencyDays' | 'frequency' | 'monetary') => {
    const sorted = measures.map((x) => x[key]).sort((a, b) => a - b);
    return [1, 2, 3, 4].map((j) => sorted[Math.ceil((j * sorted.length) / 5) - 1]!);
  };
  const quintile = (value: number, at: number[]) => 1 + at.filter((cut) => value > cut).length;
  const [rc, fc, mc] = [cuts('recencyDays'), cuts('frequency'), cuts('monetary')];
  return new Map(
    measures.map((x) => {
      const r = 6 - quintile(x.recencyDays, rc);
      const f = quintile(x.frequency, fc);
      const m = quintile(x.monetary, mc);
      const fm = Math.floor((f + m + 1) / 2);
      const { id, ...raw } = x;
      return [id, { ...raw, r, f, m, segment: GRID[r]![fm - 1]! }];
    }),
  );
}

describe('RFM on CDNOW', () => {
  const rows = readCdnow();
  let storage: Storage;

  beforeAll(async () => {
    storage = memoryStorage();
    await appendAll(storage, WS, cdnowEvents(rows));
  });

  it('matches the straightforward computation for every customer (exact cut points)', async () => {
    const rfm = createRfm({ storage, workspaceId: WS });
    const snapshot = await rfm.refresh(END);
    const expected = referenceScores(rows, `${END}T00:00:00Z`);
    expect(rows).toHaveLength(6919);
    expect(snapshot.population).toBe(2357);
    expect(expected.size).toBe(2357);
    expect(snapshot.exact).toBe(true);
    let orders = 0;
    for (const [id, want] of expected) {
      const got = await rfm.scoresOf(id);
      expect(got, id).toMatchObject({ ...want, profileId: id });
      orders += got!.frequency;
    }
    // Every purchase is an order, the 177 repeats of a customer on one day included.
    expect(orders).toBe(6919);
    expect(Object.values(snapshot.segments).reduce((a, b) => a + b, 0)).toBe(2357);
  });

  it('stays within a documented tolerance when the sketch approximates (k = 200, no exact phase)', async () => {
    const exact = await createRfm({ storage, workspaceId: WS }).refresh(END);
    const rfm = createRfm({ storage, workspaceId: WS, sketch: { k: 200, exactLimit: 0 } });
    const approx = await rfm.refresh(END);
    expect(approx.exact).toBe(false);
    const expected = referenceScores(rows, `${END}T00:00:00Z`);
    let differing = 0;
    for (const [id, want] of expected) {
      const got = (await rfm.scoresOf(id))!;
      const gaps = [got.r - want.r, got.f - want.f, got.m - want.m].map(Math.abs);
      // A cut point off by a rank or two moves only customers next to it, by one score.
      expect(Math.max(...gaps)).toBeLessThanOrEqual(1);
      if (gaps.some((gap) => gap > 0)) differing += 1;
    }
    // With 2,357 customers and heavy ties the KLL cut points land on the exact ones or next to
    // them; at most 5 % of the customers change a score.
    expect(differing / expected.size).toBeLessThanOrEqual(0.05);
    expect(approx.cutPoints.frequency).toEqual(exact.cutPoints.frequency);
  });

  it('counts migrations between 1997-12-31 and 1998-06-30; rows sum to the first population', async () => {
    const rfm = createRfm({ storage, workspaceId: 'cdnow-matrix' });
    await appendAll(storage, 'cdnow-matrix', cdnowEvents(rows));
    const december = await rfm.refresh('1997-12-31');
    const june = await rfm.refresh(END);
    const matrix = await rfm.migrationMatrix('1997-12-31', END);
    expect(matrix.from).toBe(december.asOf);
    expect(matrix.to).toBe(june.asOf);
    const rowSum = (state: string) => Object.values(matrix.counts[state]!).reduce((a, b) => a + b, 0);
    const segments = matrix.states.filter((state) => state !== RFM_NONE);
    expect(segments.reduce((sum, state) => sum + rowSum(state), 0)).toBe(december.population);
    for (const state of segments) expect(rowSum(state)).toBe(december.segments[state]);
    // Every CDNOW customer bought first in early 1997: nobody is new, nobody disappears.
    expect(december.population).toBe(2357);
    expect(rowSum(RFM_NONE)).toBe(0);
    expect(segments.every((state) => matrix.counts[state]![RFM_NONE] === 0)).toBe(true);
    // Column sums are the June segment counts.
    for (const state of segments) {
      expect(segments.reduce((sum, from) => sum + matrix.counts[from]![state]!, 0)).toBe(
        june.segments[state],
      );
    }
  });
});
