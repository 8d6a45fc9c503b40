import { memoryStorage } from '@cx/core';
import { streamFunnel } from '@cx/metrics';
import { describe, expect, it } from 'vitest';
import { type JourneyMap, mapFunnel, measureJourneyMap } from '../../src/maps';
import { FROM, nearestRankMedian, shopMap, shopTraffic, TO, track, WORKSPACE } from './shop-fixture';

async function storageWith(events: Parameters<ReturnType<typeof memoryStorage>['events']['append']>[1]) {
  const storage = memoryStorage();
  await storage.events.append(WORKSPACE, events);
  return storage;
}

describe('measureJourneyMap', () => {
  it('counts people per stage, drop-off and median time exactly as generated', async () => {
    const traffic = shopTraffic(20250301, 400);
    const storage = await storageWith(traffic.events);
    const measured = await measureJourneyMap(shopMap, {
      storage,
      workspaceId: WORKSPACE,
      from: FROM,
      to: TO,
    });

    expect(measured.engine).toBe('stream');
    expect(measured.stages.map((stage) => stage.reached)).toEqual(traffic.reached);
    measured.stages.forEach((stage, k) => {
      if (k === 0) {
        expect(stage.dropOff).toBeNull();
        expect(stage.conversionFromPrevious).toBeNull();
        return;
      }
      const before = traffic.reached[k - 1]!;
      const now = traffic.reached[k]!;
      expect(stage.dropOff).toBe(before - now);
      expect(stage.dropOffRate).toBeCloseTo((before - now) / before, 12);
      expect(stage.conversionFromPrevious).toBeCloseTo(now / before, 12);
      expect(stage.medianMsFromPrevious).toBe(nearestRankMedian(traffic.gaps[k]!));
    });
    expect(measured.entered).toBe(traffic.reached[0]);
    expect(measured.converted).toBe(traffic.reached[5]);
    // The generator draws depths uniformly, so every stage loses someone.
    expect(traffic.reached.every((n, k) => k === 0 || n < traffic.reached[k - 1]!)).toBe(true);
  });

  it('gives the manual emotions as set and the survey emotion from NPS answers', async () => {
    const traffic = shopTraffic(7, 200);
    const storage = await storageWith(traffic.events);
    const measured = await measureJourneyMap(shopMap, {
      storage,
      workspaceId: WORKSPACE,
      from: FROM,
      to: TO,
    });
    expect(measured.stages.map((stage) => stage.emotion?.score ?? null).slice(0, 5)).toEqual([
      1,
      null,
      -1,
      null,
      null,
    ]);
    const scores = traffic.npsScores;
    const promoters = scores.filter((s) => s >= 9).length;
    const detractors = scores.filter((s) => s <= 6).length;
    const npsPoints = ((promoters - detractors) / scores.length) * 100;
    const advocacy = measured.stages[5]!.emotion!;
    expect(advocacy.source).toBe('survey');
    if (advocacy.source !== 'survey') return;
    expect(advocacy.result.n).toBe(scores.length);
    expect(advocacy.result.metric === 'nps' && advocacy.result.score).toBeCloseTo(npsPoints, 10);
    expect(advocacy.score).toBeCloseTo(npsPoints / 50, 10);
  });

  it('counts only what happens inside the conversion window', async () => {
    const hour = 3_600_000;
    const t0 = FROM + 86_400_000;
    const storage = await storageWith([
      track('fast', 'Page Viewed', t0, { utm_campaign: 'spring' }),
      track('fast', 'Product Viewed', t0 + hour),
      track('slow', 'Page Viewed', t0, { utm_campaign: 'spring' }),
      track('slow', 'Product Viewed', t0 + 5 * hour),
    ]);
    const within = (hours: number) =>
      measureJourneyMap(shopMap, { storage, workspaceId: WORKSPACE, from: FROM, to: TO, window: { hours } });
    expect((await within(2)).stages.map((stage) => stage.reached).slice(0, 2)).toEqual([2, 1]);
    expect((await within(6)).stages.map((stage) => stage.reached).slice(0, 2)).toEqual([2, 2]);
  });

  it('compiles a map of single events to a direct funnel that counts the same', async () => {
    const simple: JourneyMap = {
      id: 'simple',
      name: 'Simple',
      stages: [
        shopMap.stages[0]!,
        shopMap.stages[1]!,
        shopMap.stages[3]!,
        shopMap.stages[4]!,
        shopMap.stages[5]!,
      ],
    };
    const traffic = shopTraffic(99, 300);
    const storage = await storageWith(traffic.events);
    const funnel = mapFunnel(simple, { from: FROM, to: TO });
    expect(funnel.direct?.steps.map((step) => [step.event, step.where])).toEqual([
      ['Page Viewed', [{ property: 'utm_campaign', op: 'exists' }]],
      ['Product Viewed', []],
      ['Order Completed', []],
      ['Order Completed', []],
      [
        'Survey Responded',
        [
          { property: 'question', op: 'eq', value: 'nps' },
          { property: 'score', op: 'gte', value: 9 },
        ],
      ],
    ]);
    expect(mapFunnel(shopMap).direct).toBeNull(); // decision has two events
    const direct = await streamFunnel(storage, WORKSPACE, funnel.direct!);
    const measured = await measureJourneyMap(simple, { storage, workspaceId: WORKSPACE, from: FROM, to: TO });
    expect(measured.stages.map((stage) => stage.reached)).toEqual(direct.steps.map((step) => step.count));
    expect(measured.stages.map((stage) => stage.medianMsFromPrevious)).toEqual(
      direct.steps.map((step) => step.timeFromPrevious?.medianMs ?? null),
    );
  });

  it('refuses an invalid map before reading anything', async () => {
    const storage = memoryStorage();
    const bad = { ...shopMap, stages: [shopMap.stages[0]!] };
    await expect(
      measureJourneyMap(bad, { storage, workspaceId: WORKSPACE, from: FROM, to: TO }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
