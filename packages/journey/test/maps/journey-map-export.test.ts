import { memoryStorage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  type JourneyMap,
  journeyMapJson,
  journeyMapMermaid,
  measureJourneyMap,
  mermaidText,
} from '../../src/maps';
import { FROM, TO, track, WORKSPACE } from './shop-fixture';

const small: JourneyMap = {
  id: 'small',
  name: 'Small "demo" <shop>',
  stages: [
    {
      id: 'look',
      name: 'Look & feel',
      kind: 'consideration',
      emotion: { source: 'manual', score: 0.5 },
      touchpoints: [
        { id: 'pdp', name: 'Product | page', channel: 'web', events: [{ event: 'Product Viewed' }] },
      ],
    },
    {
      id: 'cart',
      name: 'Cart',
      kind: 'decision',
      painPoints: ['Coupon field [hidden] #1'],
      emotion: { source: 'manual', score: -1.5 },
      touchpoints: [{ id: 'cart', name: 'Cart', events: [{ event: 'Cart Updated' }] }],
    },
    {
      id: 'buy',
      name: 'Buy',
      kind: 'purchase',
      touchpoints: [
        { id: 'web-order', name: 'Web order', channel: 'web', events: [{ event: 'Order Completed' }] },
        { id: 'store-order', name: 'Store order', channel: 'store', events: [{ event: 'Store Purchase' }] },
      ],
    },
  ],
};

async function measureSmall() {
  const storage = memoryStorage();
  const t = FROM + 86_400_000;
  const minute = 60_000;
  const events = [];
  for (let i = 0; i < 8; i++) events.push(track(`p${i}`, 'Product Viewed', t + i * minute));
  for (let i = 0; i < 3; i++) events.push(track(`p${i}`, 'Cart Updated', t + (i + 10) * minute));
  events.push(track('p0', 'Order Completed', t + 20 * minute));
  events.push(track('p1', 'Store Purchase', t + 21 * minute));
  await storage.events.append(WORKSPACE, events);
  return measureJourneyMap(small, { storage, workspaceId: WORKSPACE, from: FROM, to: TO });
}

describe('journeyMapMermaid', () => {
  it('draws stages, touchpoints, counts and drop-off, escaped', async () => {
    const measured = await measureSmall();
    expect(journeyMapMermaid(small, measured)).toBe(
      [
        'flowchart LR',
        '  %% Small #quot;demo#quot; #lt;shop#gt; (small)',
        '  subgraph s0["1. Look #amp; feel (consideration)<br/>reached 8 · emotion +0.5"]',
        '    direction TB',
        '    s0t0["Product #124; page<br/>web"]',
        '  end',
        '  subgraph s1["2. Cart (decision)<br/>reached 3 · emotion -1.5"]',
        '    direction TB',
        '    s1t0["Cart"]',
        '    s1p0["Pain point: Coupon field #91;hidden#93; #35;1"]',
        '  end',
        '  subgraph s2["3. Buy (purchase)<br/>reached 2"]',
        '    direction TB',
        '    s2t0["Web order<br/>web"]',
        '    s2t1["Store order<br/>store"]',
        '  end',
        '  s0 -->|"37.5% continue · 5 lost (62.5%)"| s1',
        '  s1 -->|"66.7% continue · 1 lost (33.3%)"| s2',
        '',
      ].join('\n'),
    );
  });

  it('draws the map alone without counts', () => {
    const diagram = journeyMapMermaid(small);
    expect(diagram).toContain('  subgraph s1["2. Cart (decision)<br/>emotion -1.5"]');
    expect(diagram.endsWith('  s0 --> s1\n  s1 --> s2\n')).toBe(true);
  });

  it('escapes entities in one pass', () => {
    expect(mermaidText('#quot; "a"\nb')).toBe('#35;quot; #quot;a#quot; b');
  });
});

describe('journeyMapJson', () => {
  it('is stable whatever order the map was written in', async () => {
    const measured = await measureSmall();
    const reordered = JSON.parse(JSON.stringify(small), (_key, value) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    ) as JourneyMap;
    const text = JSON.stringify(journeyMapJson(small, measured));
    expect(JSON.stringify(journeyMapJson(reordered, measured))).toBe(text);
    const json = journeyMapJson(small, measured);
    expect(json.format).toBe('cx.journey-map');
    expect(Object.keys(json.map.stages[0]!)).toEqual(['id', 'name', 'kind', 'touchpoints', 'emotion']);
    expect(json.measured?.stages.map((stage) => [stage.stageId, stage.reached, stage.dropOff])).toEqual([
      ['look', 8, null],
      ['cart', 3, 5],
      ['buy', 2, 1],
    ]);
    expect(JSON.parse(text)).toEqual(json);
    expect(journeyMapJson(small).measured).toBeNull();
  });
});
