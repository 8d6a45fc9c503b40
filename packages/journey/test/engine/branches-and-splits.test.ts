import { describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { pickWeighted, splitBucket, startInstance, stepInstance } from '../../src/engine';
import { JourneyHarness } from './journey-harness';

const now = Date.parse('2026-12-03T12:00:00Z');

const exits = (...ids: string[]) => ids.map((id) => ({ type: 'exit' as const, id }));

describe('branch', () => {
  const routing: JourneyDefinition = {
    id: 'routing',
    entry: { type: 'event', event: 'Cart Updated' },
    start: 'route',
    nodes: [
      {
        type: 'branch',
        id: 'route',
        branches: [
          { when: { notInSegment: 'reachable' }, next: 'unreachable' },
          { when: { condition: { 'traits.plan': 'pro', 'entry.total': { $gte: 100 } } }, next: 'big-pro' },
          { when: { inSegment: 'vip' }, next: 'vip' },
          { when: { condition: { 'traits.country': { $in: ['VN', 'TH'] } } }, next: 'sea' },
        ],
        otherwise: 'rest',
      },
      ...exits('unreachable', 'big-pro', 'vip', 'sea', 'rest'),
    ],
  };

  const route = (
    traits: Record<string, unknown>,
    segments: string[],
    entry: Record<string, unknown> = {},
  ) => {
    const harness = new JourneyHarness(routing, { now, traits, segments, entry });
    harness.enter();
    return harness.state.node;
  };

  it('takes the first branch that holds, on traits, entry and segments', () => {
    expect(route({ plan: 'pro', country: 'VN' }, ['reachable', 'vip'], { total: 120 })).toBe('big-pro');
    expect(route({ plan: 'pro', country: 'VN' }, ['reachable', 'vip'], { total: 80 })).toBe('vip');
    expect(route({ plan: 'free', country: 'VN' }, ['reachable'])).toBe('sea');
    expect(route({ plan: 'pro', country: 'VN' }, [], { total: 120 })).toBe('unreachable');
  });

  it('falls through to otherwise', () => {
    expect(route({ country: 'US' }, ['reachable'])).toBe('rest');
  });

  it('tests conditions on the instance data', () => {
    const onData: JourneyDefinition = {
      id: 'on-data',
      entry: { type: 'api' },
      start: 'experiment',
      nodes: [
        {
          type: 'experiment-split',
          id: 'experiment',
          experiment: 'copy',
          variations: { b: 'check' },
          otherwise: 'check',
        },
        {
          type: 'branch',
          id: 'check',
          branches: [{ when: { condition: { 'data.experiments.copy': 'b' } }, next: 'saw-b' }],
          otherwise: 'rest',
        },
        ...exits('saw-b', 'rest'),
      ],
    };
    const harness = new JourneyHarness(onData, { now, variations: { copy: 'b' } });
    harness.enter();
    expect(harness.state.node).toBe('saw-b');
  });
});

describe('random-split', () => {
  const split: JourneyDefinition = {
    id: 'welcome',
    entry: { type: 'api' },
    start: 'split',
    nodes: [
      {
        type: 'random-split',
        id: 'split',
        paths: [
          { weight: 70, next: 'a' },
          { weight: 20, next: 'b' },
          { weight: 10, next: 'c' },
        ],
      },
      ...exits('a', 'b', 'c'),
    ],
  };
  const context = { traits: {}, segments: new Set<string>(), timezone: 'UTC', assignVariation: () => null };

  const pathOf = (definition: JourneyDefinition, profileId: string) => {
    const state = startInstance(definition, { id: `i-${profileId}`, version: 1, profileId, entry: {}, now });
    return stepInstance(definition, state, { type: 'enter' }, now, context).state;
  };

  it('follows the weights over 10,000 profiles', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) {
      const node = pathOf(split, `profile-${i}`).node;
      counts[node] = (counts[node] ?? 0) + 1;
    }
    expect(counts.a! / 10_000).toBeCloseTo(0.7, 1);
    expect(counts.b! / 10_000).toBeCloseTo(0.2, 1);
    expect(counts.c! / 10_000).toBeCloseTo(0.1, 1);
    // Tighter than toBeCloseTo's ±0.05: a fair hash stays within 2 points at this size.
    expect(Math.abs(counts.a! - 7000)).toBeLessThan(200);
    expect(Math.abs(counts.b! - 2000)).toBeLessThan(200);
    expect(Math.abs(counts.c! - 1000)).toBeLessThan(200);
  });

  it('is deterministic per profile, and records the path in data', () => {
    const first = pathOf(split, 'p-42');
    const again = pathOf(split, 'p-42');
    expect(again.node).toBe(first.node);
    expect(first.data).toEqual({ splits: { split: first.node } });
  });

  it('reshuffles with another salt', () => {
    const salted: JourneyDefinition = {
      ...split,
      nodes: split.nodes.map((node) => (node.type === 'random-split' ? { ...node, salt: 'v2' } : node)),
    };
    let moved = 0;
    for (let i = 0; i < 1000; i++) {
      if (pathOf(split, `q-${i}`).node !== pathOf(salted, `q-${i}`).node) moved++;
    }
    // Independent 70/20/10 draws disagree 46% of the time.
    expect(moved).toBeGreaterThan(350);
    expect(moved).toBeLessThan(570);
  });

  it('lays paths out by weight and gives nobody to a path without weight', () => {
    const paths = [
      { weight: 1, next: 'a' },
      { weight: 0, next: 'never' },
      { weight: 3, next: 'b' },
    ];
    expect(pickWeighted(paths, 0)?.next).toBe('a');
    expect(pickWeighted(paths, 0.2499)?.next).toBe('a');
    expect(pickWeighted(paths, 0.25)?.next).toBe('b');
    expect(pickWeighted(paths, 0.9999)?.next).toBe('b');
    expect(pickWeighted([{ weight: 0, next: 'x' }], 0.5)).toBeUndefined();
    expect(splitBucket('welcome/split', 'p1')).toBe(splitBucket('welcome/split', 'p1'));
  });
});

describe('experiment-split', () => {
  const experiment: JourneyDefinition = {
    id: 'onboarding',
    entry: { type: 'api' },
    start: 'copy-test',
    nodes: [
      {
        type: 'experiment-split',
        id: 'copy-test',
        experiment: 'onboarding-copy',
        variations: { control: 'control-path', short: 'short-path' },
        otherwise: 'holdout',
      },
      ...exits('control-path', 'short-path', 'holdout'),
    ],
  };

  const run = (variation: string | null) => {
    const harness = new JourneyHarness(experiment, { now, variations: { 'onboarding-copy': variation } });
    harness.enter();
    return harness.state;
  };

  it("takes the variation's path and records the variation", () => {
    expect(run('short')).toMatchObject({
      node: 'short-path',
      data: { experiments: { 'onboarding-copy': 'short' } },
    });
    expect(run('control').node).toBe('control-path');
  });

  it('sends the holdout (null) and unknown variations to otherwise', () => {
    expect(run(null)).toMatchObject({ node: 'holdout', data: { experiments: { 'onboarding-copy': null } } });
    expect(run('long')).toMatchObject({
      node: 'holdout',
      data: { experiments: { 'onboarding-copy': 'long' } },
    });
    // A variation named like an Object.prototype key is not a path.
    expect(run('toString').node).toBe('holdout');
  });
});

describe('update-trait and webhook', () => {
  it('emit their effects and go on at once', () => {
    const definition: JourneyDefinition = {
      id: 'tagging',
      entry: { type: 'api' },
      start: 'tag',
      nodes: [
        { type: 'update-trait', id: 'tag', set: { abandonedCart: true }, next: 'notify' },
        { type: 'webhook', id: 'notify', url: 'https://example.com/hook', next: 'done' },
        ...exits('done'),
      ],
    };
    const harness = new JourneyHarness(definition, { now });
    const entered = harness.enter();
    expect(entered.effects.filter((effect) => effect.type !== 'journey-event')).toEqual([
      { type: 'update-traits', node: 'tag', set: { abandonedCart: true } },
      {
        type: 'webhook',
        node: 'notify',
        key: `${harness.state.id}/notify`,
        url: 'https://example.com/hook',
        body: {},
      },
    ]);
    expect(harness.traits).toEqual({ abandonedCart: true });
    expect(harness.state.status).toBe('exited');
  });
});
