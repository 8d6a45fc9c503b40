import { isCxError, ValidationError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { defineJourney, exit, message, onEvent } from '../../src/definition';
import { defineJourneyMap, type JourneyMap, parseJourneyMap, validateJourneyMap } from '../../src/maps';
import { shopMap } from './shop-fixture';

const codes = (issues: { path: string; code: string; severity: string }[]) =>
  issues.map(({ path, code, severity }) => `${severity} ${code} ${path}`);

describe('validateJourneyMap', () => {
  it('accepts the shop map', () => {
    expect(validateJourneyMap(shopMap)).toEqual([]);
    expect(defineJourneyMap(shopMap)).toBe(shopMap);
  });

  it('reports every problem of a bad map at once', () => {
    const bad = {
      id: 'bad',
      name: 'Bad',
      stages: [
        {
          id: 'buy',
          name: 'Buy',
          kind: 'purchase',
          touchpoints: [
            { id: 'order', name: 'Order', channel: 'pigeon', events: [{ event: 'Order Completed' }] },
          ],
        },
        { id: 'buy', name: 'Again', kind: 'awareness', touchpoints: [] },
        {
          id: 'love',
          name: 'Love',
          kind: 'delight',
          emotion: { source: 'manual', score: 5 },
          touchpoints: [
            {
              id: 'order',
              name: 'Order twice',
              events: [{ event: 'Order Completed', where: { total: { $gtee: 1 } } }],
            },
          ],
        },
        {
          id: 'tell',
          name: 'Tell',
          kind: 'advocacy',
          emotion: { source: 'survey', survey: { metric: 'csat', scale: 'csat-9' } },
          touchpoints: [{ id: 'share', name: 'Share', events: [{ event: 'Shared' }] }],
        },
      ],
    };
    expect(codes(validateJourneyMap(bad)).sort()).toEqual(
      [
        'error unknown_channel stages[0].touchpoints[0].channel',
        'error unknown_stage_kind stages[2].kind',
        'error too_big stages[2].emotion.score',
        'error unknown_operator stages[2].touchpoints[0].events[0].where.total.$gtee',
        'error empty_stage stages[1].touchpoints',
        'error duplicate_id stages[1].id',
        'error duplicate_id stages[2].touchpoints[0].id',
        'error unknown_scale stages[3].emotion.survey.scale',
        'warning stage_order stages[1].kind',
      ].sort(),
    );
  });

  it('warns on stage order without refusing the map', () => {
    const reversed: JourneyMap = { ...shopMap, stages: [shopMap.stages[1]!, shopMap.stages[0]!] };
    expect(codes(validateJourneyMap(reversed))).toEqual(['warning stage_order stages[1].kind']);
    expect(() => defineJourneyMap(reversed)).not.toThrow();
  });

  it('needs two stages, and checks journey references when given journeys', () => {
    expect(codes(validateJourneyMap({ ...shopMap, stages: [shopMap.stages[0]] }))).toEqual([
      'error too_few_stages stages',
    ]);
    const journey = defineJourney({
      id: 'abandoned-cart',
      entry: onEvent('Cart Updated'),
      start: 'email',
      nodes: [
        message('email', { channels: ['email'], templates: { email: 'cart-email' } }, 'done'),
        exit('done'),
      ],
    });
    expect(codes(validateJourneyMap(shopMap, { journeys: [journey] }))).toEqual([
      'error unknown_node stages[2].touchpoints[1].journeyNodes[0].node',
    ]);
    expect(codes(validateJourneyMap(shopMap, { journeys: [] }))).toEqual([
      'error unknown_journey stages[2].touchpoints[1].journeyNodes[0].journeyId',
    ]);
  });

  it('throws one ValidationError listing the errors', () => {
    let thrown: unknown;
    try {
      parseJourneyMap({
        id: 'x',
        name: 'X',
        stages: [{ id: 'a', name: 'A', kind: 'nope', touchpoints: [] }],
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(isCxError(thrown, 'VALIDATION')).toBe(true);
    expect((thrown as ValidationError).issues.map((issue) => issue.code).sort()).toEqual([
      'empty_stage',
      'too_few_stages',
      'unknown_stage_kind',
    ]);
  });
});
