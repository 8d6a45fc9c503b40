import { isCxError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { DAY, deepFreeze, JourneyHarness } from './journey-harness';
import { abandonedCart } from './recipes';

/* The `migrate` input: an instance moved from an earlier version runs from the mapped node. */
const t0 = Date.parse('2026-12-03T12:00:00Z');

const moved = (node: string) =>
  new JourneyHarness(abandonedCart, {
    now: t0,
    instanceId: 'abandoned-cart@2/p1/2',
    version: 2,
    entry: { cartId: 'c1' },
  }).step({ type: 'migrate', node, from: 'abandoned-cart@1/p1/1' });

describe('migrate input', () => {
  it('enters at the node, with migratedFrom on Journey Entered, and a wait starts now', () => {
    const { state, effects } = moved('wait-sms');
    expect(effects).toEqual([
      {
        type: 'journey-event',
        name: 'Journey Entered',
        properties: {
          journeyId: 'abandoned-cart',
          version: 2,
          instanceId: 'abandoned-cart@2/p1/2',
          migratedFrom: 'abandoned-cart@1/p1/1',
        },
      },
      {
        type: 'journey-event',
        name: 'Journey Step',
        properties: {
          journeyId: 'abandoned-cart',
          version: 2,
          instanceId: 'abandoned-cart@2/p1/2',
          node: 'wait-sms',
          from: null,
        },
      },
      { type: 'timer', at: t0 + 2 * DAY, node: 'wait-sms' },
    ]);
    expect(state).toMatchObject({
      status: 'waiting',
      node: 'wait-sms',
      path: [{ node: 'wait-sms', at: t0 }],
      waiting: { kind: 'timer', node: 'wait-sms', at: t0 + 2 * DAY },
    });
  });

  it('sends at a message node and goes on from there', () => {
    const harness = new JourneyHarness(abandonedCart, {
      now: t0,
      instanceId: 'abandoned-cart@2/p1/2',
      version: 2,
      entry: { cartId: 'c1' },
    });
    harness.step({ type: 'migrate', node: 'email', from: 'abandoned-cart@1/p1/1' });
    expect(harness.sent.map((send) => [send.node, send.key])).toEqual([
      ['email', 'abandoned-cart@2/p1/2/email'],
    ]);
    expect(harness.state.node).toBe('wait-sms');
    harness.advance(2 * DAY);
    expect(harness.sent.map((send) => send.node)).toEqual(['email', 'sms']);
    expect(harness.state.outcome).toEqual({ kind: 'exit-node', id: 'done', at: t0 + 2 * DAY });
  });

  it('is pure, and changes nothing on an instance already entered', () => {
    const harness = new JourneyHarness(abandonedCart, { now: t0, entry: { cartId: 'c1' } });
    deepFreeze(harness.state);
    harness.step({ type: 'migrate', node: 'email', from: 'old' });
    const state = harness.state;
    expect(harness.step({ type: 'migrate', node: 'email', from: 'old' })).toEqual({ state, effects: [] });
    expect(harness.enter()).toEqual({ state, effects: [] });
  });

  it('throws ConfigError for a node the definition lacks', () => {
    let caught: unknown;
    try {
      moved('nowhere');
    } catch (error) {
      caught = error;
    }
    expect(isCxError(caught, 'CONFIG')).toBe(true);
  });
});
