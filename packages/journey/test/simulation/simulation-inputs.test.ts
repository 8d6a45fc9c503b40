import { CHANNELS_LIBRARY } from '@cx/channels';
import { normalizeEvent, withProfileId } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { journeyProfileEvent } from '../../src/runtime/profile-events';
import { journeyHorizonMs, simulateJourney } from '../../src/simulation';
import { abandonedCart, DAY, START, track } from '../runtime/runtime-fixtures';

describe('simulation inputs', () => {
  it('runs timers by default for as long as one path through the journey can wait', async () => {
    expect(journeyHorizonMs(abandonedCart)).toBe(2 * DAY);
    const at = Date.parse(START);
    const report = await simulateJourney(abandonedCart, {
      events: [track('lan', at, 'Cart Updated', { cartId: 'c1', productName: 'Áo dài' })],
      profiles: { lan: { firstName: 'Lan' } },
    });
    expect(report.period).toEqual({
      first: START,
      last: START,
      until: new Date(at + 2 * DAY).toISOString(),
    });
    // The push, the reminder a day later and the last note a day after that: all within the horizon.
    expect(report.sends.byNode).toEqual({
      push: { 'in-app': 1 },
      reminder: { 'in-app': 1 },
      last: { 'in-app': 1 },
    });
    expect(report.nodes.done).toMatchObject({ entered: 1, dropOff: 1 });
  });

  it('skips the events a real run of journeys and channels wrote, since it makes its own', async () => {
    const at = Date.parse(START);
    const fromChannels = withProfileId(
      normalizeEvent(
        {
          type: 'track',
          event: 'Message Sent',
          userId: 'u-lan',
          messageId: 'sent-1',
          properties: {},
          timestamp: START,
          context: { library: { name: CHANNELS_LIBRARY } },
        },
        { receivedAt: at },
      ),
      'lan',
    );
    const report = await simulateJourney(abandonedCart, {
      events: [
        track('lan', at, 'Cart Updated', { cartId: 'c1', productName: 'Áo dài' }),
        journeyProfileEvent({ id: 'lan' }, 'abandoned-cart@1/lan/1', 0, 'Journey Entered', {}, at),
        fromChannels,
      ],
      profiles: { lan: { firstName: 'Lan' } },
    });
    expect(report.events).toEqual({ read: 3, replayed: 1, skipped: 2 });
    expect(report.instances.total).toBe(1);
  });

  it('refuses an `until` before the last event', async () => {
    const at = Date.parse(START);
    await expect(
      simulateJourney(abandonedCart, {
        events: [track('lan', at, 'Cart Updated', { cartId: 'c1', productName: 'Áo dài' })],
        until: at - 1,
      }),
    ).rejects.toMatchObject({ code: 'CONFIG' });
  });
});
