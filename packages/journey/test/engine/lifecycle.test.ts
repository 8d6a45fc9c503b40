import { describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { LOOP_GUARD_ID } from '../../src/engine';
import { DAY, JourneyHarness } from './journey-harness';
import { abandonedCart } from './recipes';

const t0 = Date.parse('2026-12-03T12:00:00Z');

describe('instance lifecycle', () => {
  it('enters once: a redelivered enter changes nothing', () => {
    const harness = new JourneyHarness(abandonedCart, { now: t0, entry: { cartId: 'c1' } });
    harness.enter();
    const state = harness.state;
    expect(harness.enter()).toEqual({ state, effects: [] });
  });

  it('ignores inputs before entering', () => {
    const harness = new JourneyHarness(abandonedCart, { now: t0, entry: { cartId: 'c1' } });
    const state = harness.state;
    expect(harness.event('Order Completed', { cartId: 'c1' })).toEqual({ state, effects: [] });
    expect(harness.step({ type: 'timer', node: 'wait-checkout' })).toEqual({ state, effects: [] });
  });

  it('ignores every input once ended', () => {
    const harness = new JourneyHarness(abandonedCart, { now: t0, entry: { cartId: 'c1' } });
    harness.enter();
    harness.event('Order Completed', { cartId: 'c1' });
    const ended = harness.state;
    expect(ended.status).toBe('completed');
    for (const input of [
      { type: 'enter' as const },
      { type: 'timer' as const, node: 'wait-checkout' },
      { type: 'event' as const, name: 'Order Completed', properties: { cartId: 'c1' } },
      { type: 'segment' as const, segment: 'unsubscribed', entered: true },
      { type: 'message' as const, messageId: 'abandoned-cart/1/p1/1/push', outcome: 'clicked' as const },
    ]) {
      expect(harness.step(input)).toEqual({ state: ended, effects: [] });
    }
  });

  it('prefers a goal over an exit criterion met by the same input', () => {
    const both: JourneyDefinition = {
      ...abandonedCart,
      exitWhen: [{ id: 'any-order', kind: 'event', event: 'Order Completed' }],
    };
    const harness = new JourneyHarness(both, { now: t0, entry: { cartId: 'c1' } });
    harness.enter();
    harness.event('Order Completed', { cartId: 'c1' });
    expect(harness.state.outcome).toEqual({ kind: 'goal', id: 'ordered', at: t0 });
  });

  it('exits on an exit criterion mid-wait, correlated or not', () => {
    const withExit: JourneyDefinition = {
      ...abandonedCart,
      exitWhen: [
        { id: 'cart-emptied', kind: 'event', event: 'Cart Emptied', correlate: { cartId: 'cartId' } },
      ],
    };
    const harness = new JourneyHarness(withExit, { now: t0, entry: { cartId: 'c1' } });
    harness.enter();
    harness.advance(DAY);
    expect(harness.event('Cart Emptied', { cartId: 'c9' }).effects).toEqual([]);
    const emptied = harness.event('Cart Emptied', { cartId: 'c1' });
    expect(emptied.effects[0]).toEqual({ type: 'cancel-timer' });
    expect(harness.state).toMatchObject({ status: 'exited', outcome: { kind: 'exit', id: 'cart-emptied' } });
  });
});

describe('the loop guard', () => {
  const looping: JourneyDefinition = {
    id: 'looping',
    entry: { type: 'api' },
    start: 'check',
    nodes: [
      {
        type: 'branch',
        id: 'check',
        branches: [{ when: { inSegment: 'never' }, next: 'done' }],
        otherwise: 'send',
      },
      { type: 'message', id: 'send', channels: ['sms'], templates: { sms: 'spam' }, next: 'check' },
      { type: 'exit', id: 'done' },
    ],
  };

  it('ends a runaway run as an exit, discarding what the run would have done', () => {
    const harness = new JourneyHarness(looping, { now: t0 });
    const entered = harness.enter();
    expect(harness.sent).toEqual([]);
    expect(entered.effects).toEqual([
      {
        type: 'journey-event',
        name: 'Journey Entered',
        properties: { journeyId: 'looping', version: 1, instanceId: 'looping/1/p1/1' },
      },
      {
        type: 'journey-event',
        name: 'Journey Exited',
        properties: {
          journeyId: 'looping',
          version: 1,
          instanceId: 'looping/1/p1/1',
          node: 'check',
          reason: 'exit',
          outcomeId: LOOP_GUARD_ID,
        },
      },
    ]);
    expect(harness.state).toMatchObject({
      status: 'exited',
      node: 'check',
      path: [],
      data: {},
      waiting: null,
      outcome: { kind: 'exit', id: 'loop-guard', at: t0 },
    });
  });

  it('keeps what came before the run when a wait leads into the loop', () => {
    const delayed: JourneyDefinition = {
      ...looping,
      start: 'wait',
      nodes: [
        {
          type: 'wait-for',
          id: 'wait',
          until: { kind: 'event', event: 'Go' },
          timeout: { days: 1 },
          next: 'check',
          onTimeout: 'done',
        },
        ...looping.nodes,
      ],
    };
    const harness = new JourneyHarness(delayed, { now: t0 });
    harness.enter();
    const go = harness.event('Go');
    expect(go.effects.map((effect) => (effect.type === 'journey-event' ? effect.name : effect.type))).toEqual(
      ['cancel-timer', 'Journey Exited'],
    );
    expect(harness.state).toMatchObject({ node: 'wait', outcome: { id: 'loop-guard' } });
    expect(harness.state.path.map((step) => step.node)).toEqual(['wait']);
  });

  it('lets a long journey without a cycle through, and takes a lower limit', () => {
    const chain: JourneyDefinition = {
      id: 'chain',
      entry: { type: 'api' },
      start: 'n0',
      nodes: [
        ...Array.from({ length: 150 }, (_, i) => ({
          type: 'update-trait' as const,
          id: `n${i}`,
          set: { step: i },
          next: i === 149 ? 'done' : `n${i + 1}`,
        })),
        { type: 'exit' as const, id: 'done' },
      ],
    };
    const long = new JourneyHarness(chain, { now: t0 });
    long.enter();
    expect(long.state).toMatchObject({ node: 'done', outcome: { kind: 'exit-node' } });
    expect(long.state.path).toHaveLength(151);

    const limited = new JourneyHarness(chain, { now: t0, stepOptions: { maxTransitions: 10 } });
    limited.enter();
    expect(limited.state.outcome?.id).toBe(LOOP_GUARD_ID);
    expect(limited.traits).toEqual({});
  });
});

describe('a definition error', () => {
  it('throws a CONFIG error for a node that does not exist', async () => {
    const { isCxError } = await import('@cx/core');
    const broken: JourneyDefinition = { id: 'broken', entry: { type: 'api' }, start: 'nowhere', nodes: [] };
    const harness = new JourneyHarness(broken, { now: t0 });
    let caught: unknown;
    try {
      harness.enter();
    } catch (error) {
      caught = error;
    }
    expect(isCxError(caught, 'CONFIG')).toBe(true);
  });
});
