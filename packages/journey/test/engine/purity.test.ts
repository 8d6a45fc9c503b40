import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import {
  type InstanceState,
  type StepContext,
  type StepEffect,
  type StepInput,
  startInstance,
  stepInstance,
} from '../../src/engine';
import { at, DAY, deepFreeze, HOUR, JourneyHarness } from './journey-harness';
import { abandonedCart } from './recipes';

const t0 = at('2026-12-03T12:00:00Z');

/** A journey touching every node type, frozen so any write throws. */
const everything: JourneyDefinition = deepFreeze({
  id: 'everything',
  entry: { type: 'event', event: 'Signed Up', correlation: ['accountId'] },
  start: 'tag',
  nodes: [
    { type: 'update-trait', id: 'tag', set: { onboarding: true }, next: 'hook' },
    { type: 'webhook', id: 'hook', url: 'https://example.com/hook', body: { a: 1 }, next: 'split' },
    { type: 'random-split', id: 'split', paths: [{ weight: 1, next: 'experiment' }] },
    {
      type: 'experiment-split',
      id: 'experiment',
      experiment: 'copy',
      variations: { b: 'route' },
      otherwise: 'route',
    },
    {
      type: 'branch',
      id: 'route',
      branches: [
        {
          when: { condition: { 'traits.seenAt': { $withinLast: { amount: 1, unit: 'days' } } } },
          next: 'welcome',
        },
      ],
      otherwise: 'welcome',
    },
    {
      type: 'message',
      id: 'welcome',
      channels: ['email'],
      templates: { email: 'welcome' },
      data: { tip: 1 },
      next: 'morning',
      on: { opened: { within: { days: 1 }, next: 'morning' } },
    },
    { type: 'wait-until-time', id: 'morning', at: '09:00', next: 'renewal' },
    { type: 'wait-until-trait', id: 'renewal', trait: 'renewsAt', next: 'activated' },
    {
      type: 'wait-for',
      id: 'activated',
      until: { kind: 'event', event: 'Activated', correlate: { accountId: 'accountId' } },
      timeout: { days: 2 },
      next: 'pause',
      onTimeout: 'pause',
    },
    { type: 'wait', id: 'pause', for: { hours: 1 }, next: 'done' },
    { type: 'exit', id: 'done' },
  ],
  goals: [{ id: 'paid', kind: 'event', event: 'Subscription Started' }],
});

const context: StepContext = deepFreeze({
  traits: { seenAt: '2026-12-03T00:00:00Z', renewsAt: '2026-12-06T00:00:00Z' },
  segments: new Set<string>(),
  timezone: 'Asia/Ho_Chi_Minh',
  assignVariation: () => 'b',
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Steps an instance through a script of (input, now), returning each result. */
function play(script: [StepInput, number][]): { state: InstanceState; effects: StepEffect[] }[] {
  let state = deepFreeze(
    startInstance(everything, { id: 'i1', version: 2, profileId: 'p1', entry: { accountId: 'a1' }, now: t0 }),
  );
  return script.map(([input, now]) => {
    const before = structuredClone(state);
    const result = stepInstance(everything, state, input, now, context);
    expect(state).toEqual(before);
    state = deepFreeze(result.state);
    return result;
  });
}

const script: [StepInput, number][] = [
  [{ type: 'enter' }, t0],
  [{ type: 'message', messageId: 'i1/welcome', outcome: 'opened' }, t0 + HOUR],
  // 09:00 in Ho Chi Minh City the next morning.
  [{ type: 'timer', node: 'morning', at: at('2026-12-04T02:00:00Z') }, at('2026-12-04T02:00:00Z')],
  [{ type: 'timer', node: 'renewal', at: at('2026-12-06T00:00:00Z') }, at('2026-12-06T00:00:00Z')],
  [{ type: 'event', name: 'Activated', properties: { accountId: 'a2' } }, at('2026-12-06T01:00:00Z')],
  [{ type: 'event', name: 'Activated', properties: { accountId: 'a1' } }, at('2026-12-06T02:00:00Z')],
  [{ type: 'timer', node: 'pause', at: at('2026-12-06T03:00:00Z') }, at('2026-12-06T03:00:00Z')],
  [{ type: 'event', name: 'Subscription Started', properties: {} }, at('2026-12-06T04:00:00Z')],
];

describe('purity', () => {
  it('never writes to a frozen definition, state or context, and runs every node', () => {
    const results = play(script);
    expect(results.map((result) => result.state.node)).toEqual([
      'welcome',
      'morning',
      'renewal',
      'activated',
      'activated',
      'pause',
      'done',
      'done',
    ]);
    expect(results.at(-1)?.state.status).toBe('exited');
  });

  it('gives equal results for equal inputs: a replay reproduces the run', () => {
    expect(play(script)).toEqual(play(script));
  });

  it('reads no clock and draws no random number', () => {
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('the step read the clock');
    });
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('the step drew a random number');
    });
    expect(() => play(script)).not.toThrow();
  });

  it('replays a recipe from its recorded inputs to the same state and effects', () => {
    const harness = new JourneyHarness(abandonedCart, { now: t0, entry: { cartId: 'c1' } });
    const recorded: [StepInput, number][] = [];
    const original = harness.step.bind(harness);
    harness.step = (input) => {
      recorded.push([input, harness.now]);
      return original(input);
    };
    harness.enter();
    harness.advance(DAY + HOUR);
    harness.event('Order Completed', { cartId: 'c1' });

    const replay = new JourneyHarness(abandonedCart, { now: t0, entry: { cartId: 'c1' } });
    for (const [input, now] of recorded) {
      replay.now = now;
      replay.step(input);
    }
    expect(replay.state).toEqual(harness.state);
    expect(replay.log).toEqual(harness.log);
  });
});
