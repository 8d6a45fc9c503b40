import { memoryStorage } from '@cx/core';
import { csat } from '@cx/metrics';
import { describe, expect, it } from 'vitest';
import { emotionScore, type JourneyMap, measureJourneyMap } from '../../src/maps';
import { FROM, TO, track, WORKSPACE } from './shop-fixture';

const day = 86_400_000;

const map: JourneyMap = {
  id: 'support',
  name: 'Support',
  stages: [
    {
      id: 'ask',
      name: 'Ask',
      kind: 'retention',
      emotion: { source: 'survey', survey: { where: { touchpoint: 'chat' }, metric: 'nps' } },
      touchpoints: [{ id: 'chat', name: 'Chat', channel: 'chat', events: [{ event: 'Chat Started' }] }],
    },
    {
      id: 'recommend',
      name: 'Recommend',
      kind: 'advocacy',
      emotion: {
        source: 'survey',
        survey: {
          event: 'Survey Answered',
          where: { touchpoint: 'delivery' },
          metric: 'csat',
          scale: 'csat-5',
        },
      },
      touchpoints: [{ id: 'review', name: 'Review', events: [{ event: 'Review Written' }] }],
    },
  ],
};

describe('survey emotion', () => {
  it('scores the answers of each stage by hand', async () => {
    const storage = memoryStorage();
    const chat = [10, 9, 9, 8, 7, 6, 3, 10, 9, 8];
    const delivery = [5, 4, 4, 2];
    await storage.events.append(WORKSPACE, [
      ...chat.map((score, i) =>
        track(`c${i}`, 'Survey Responded', FROM + day + i, { question: 'nps', touchpoint: 'chat', score }),
      ),
      // Another touchpoint, outside the period, off the scale: none counts towards the chat NPS.
      track('x1', 'Survey Responded', FROM + day, { question: 'nps', touchpoint: 'email', score: 0 }),
      track('x2', 'Survey Responded', FROM - day, { question: 'nps', touchpoint: 'chat', score: 0 }),
      track('x3', 'Survey Responded', FROM + day, { question: 'nps', touchpoint: 'chat', score: 11 }),
      ...delivery.map((score, i) =>
        track(`d${i}`, 'Survey Answered', FROM + 2 * day, { touchpoint: 'delivery', score }),
      ),
    ]);
    const measured = await measureJourneyMap(map, { storage, workspaceId: WORKSPACE, from: FROM, to: TO });
    const [ask, recommend] = measured.stages.map((stage) => stage.emotion);
    // 5 promoters (10, 9, 9, 10, 9), 2 detractors (6, 3) of 10: NPS 30 points → +0.6.
    expect(ask).toMatchObject({ source: 'survey', metric: 'nps', skipped: 1, result: { n: 10, score: 30 } });
    expect(ask!.score).toBeCloseTo(0.6, 12);
    // Mean 15 / 4 = 3.75 on 1–5 → −2 + 4 · 2.75 / 4 = 0.75.
    expect(recommend).toMatchObject({
      source: 'survey',
      metric: 'csat',
      skipped: 0,
      result: { n: 4, mean: 3.75 },
    });
    expect(recommend!.score).toBeCloseTo(0.75, 12);
    expect(measured.stages.map((stage) => stage.reached)).toEqual([0, 0]);
  });

  it('has no score without answers', async () => {
    const measured = await measureJourneyMap(map, {
      storage: memoryStorage(),
      workspaceId: WORKSPACE,
      from: FROM,
      to: TO,
    });
    expect(measured.stages[0]!.emotion).toMatchObject({ source: 'survey', score: null, result: { n: 0 } });
  });

  it('maps a CSAT mean from its scale to −2 … +2', () => {
    expect(emotionScore(csat([1, 1], { scale: 'csat-7' }))).toBe(-2);
    expect(emotionScore(csat([4], { scale: 'csat-7' }))).toBe(0);
    expect(emotionScore(csat([5], { scale: 'csat-5' }))).toBe(2);
  });
});
