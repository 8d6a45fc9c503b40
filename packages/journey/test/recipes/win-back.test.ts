import { type CxEvent, normalizeEvent, withProfileId } from '@cx/core';
import { createRfm, SEGMENT_EVENTS, SEGMENTS_LIBRARY } from '@cx/segments';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, enteredAndExited, type RecipeWorld, recipeWorld, sends, track, WS } from './recipe-world';
import { AT_RISK, winBack } from './win-back.recipe';

/*
 * Recipe 3 end to end. The real @cx/segments RFM model scores a small shop's order history and
 * puts Lan in "At Risk". RFM keeps snapshots and writes no membership events of its own, so the
 * test then appends the `Segment Entered` event exactly as the segment engine writes one
 * (`membershipEvent` in @cx/segments: `properties.segmentId`, `segmentName`, `cause`, and the
 * engine's library in `context.library`); the journey enters on it.
 */

/** Orders as `[profile, date, revenue]`: Lan bought often and much, but not since June. */
const HISTORY: [string, string, number][] = [
  ['an', '2026-01-10', 200],
  ['an', '2026-01-25', 200],
  ['an', '2026-02-05', 200],
  ['an', '2026-02-12', 150],
  ['an', '2026-02-20', 150],
  ['lan', '2025-05-02', 100],
  ['lan', '2025-05-20', 100],
  ['lan', '2025-06-08', 100],
  ['lan', '2025-06-20', 100],
  ['minh', '2025-09-01', 80],
  ['minh', '2025-10-01', 60],
  ['minh', '2025-12-20', 60],
  ['hoa', '2025-11-20', 50],
  ['hoa', '2025-12-01', 50],
  ['binh', '2026-02-25', 50],
];

let serial = 0;

/** A membership change as the segment engine records it. */
function segmentEvent(profileId: string, at: number, entered: boolean): CxEvent {
  const event = normalizeEvent(
    {
      type: 'track',
      event: entered ? SEGMENT_EVENTS.entered : SEGMENT_EVENTS.exited,
      messageId: `seg-${AT_RISK}-${profileId}-${++serial}`,
      userId: `u-${profileId}`,
      properties: { segmentId: AT_RISK, segmentName: 'At Risk', cause: { type: 'time' } },
      timestamp: new Date(at).toISOString(),
      context: { library: { name: SEGMENTS_LIBRARY } },
    },
    { receivedAt: at },
  );
  return withProfileId(event, profileId);
}

describe('recipe: win-back for the RFM At Risk segment', () => {
  let world: RecipeWorld;
  beforeEach(async () => {
    world = await recipeWorld('2026-03-02T01:00:00.000Z');
    for (const id of ['an', 'lan', 'minh', 'hoa', 'binh'])
      await world.person(id, { firstName: id[0]!.toUpperCase() + id.slice(1), email: `${id}@example.com` });
    await world.append(
      ...HISTORY.map(([profileId, date, revenue], index) =>
        track(profileId, Date.parse(`${date}T05:00:00Z`), 'Order Completed', {
          orderId: `h-${index}`,
          revenue,
        }),
      ),
    );
    await world.journeys.publish(winBack);
    await world.settle();
  });
  afterEach(() => world.close());

  const subjects = () => world.smtp.messages.map((mail) => mail.subject);

  it('enters on At Risk, times out after 7 days, refuses re-entry within the 30-day cooldown, and converts after it', async () => {
    const rfm = createRfm({ storage: world.storage, workspaceId: WS, clock: world.clock });
    await rfm.refresh('2026-03-01');
    expect(await rfm.scoresOf('lan')).toMatchObject({ segment: 'At Risk', r: 1 });
    const atRisk: string[] = [];
    for (const id of ['an', 'lan', 'minh', 'hoa', 'binh'])
      if ((await rfm.scoresOf(id))?.segment === 'At Risk') atRisk.push(id);
    expect(atRisk).toEqual(['lan']);

    await world.append(segmentEvent('lan', world.clock.now(), true));
    await world.settle();
    expect(subjects()).toEqual(['We miss you, Lan: 15% off with COMEBACK15']);
    expect(String(world.smtp.messages[0]?.html)).toContain('Use COMEBACK15 on your next order.');
    const [first] = await world.journeys.instancesOf('lan');
    expect(first).toMatchObject({ status: 'waiting', node: 'wait-order', entry: { segmentId: AT_RISK } });

    // A week without an order: the wait-for times out.
    await world.advance(7 * DAY);
    const timedOut = await world.journeys.instance(first!.id);
    expect(timedOut).toMatchObject({ status: 'exited', outcome: { kind: 'exit-node', id: 'no-order' } });
    expect(timedOut?.path.map((step) => step.node)).toEqual(['coupon', 'wait-order', 'no-order']);

    // Ten days after the exit Lan leaves and enters the segment again: inside the cooldown.
    await world.advance(10 * DAY);
    await world.append(
      segmentEvent('lan', world.clock.now(), false),
      segmentEvent('lan', world.clock.now(), true),
    );
    await world.settle();
    expect(await world.journeys.instancesOf('lan')).toHaveLength(1);
    expect(world.smtp.messages).toHaveLength(1);

    // Thirty days after the exit (2026-04-08T01:00Z) the cooldown is over.
    await world.advanceTo('2026-04-08T01:00:00.000Z');
    await world.append(
      segmentEvent('lan', world.clock.now(), false),
      segmentEvent('lan', world.clock.now(), true),
    );
    await world.settle();
    const instances = await world.journeys.instancesOf('lan');
    expect(instances).toHaveLength(2);
    const second = instances.find((instance) => instance.id !== first!.id);
    expect(second).toMatchObject({ status: 'waiting', node: 'wait-order' });

    await world.advance(2 * DAY);
    await world.append(track('lan', world.clock.now(), 'Order Completed', { orderId: 'o-77', revenue: 120 }));
    await world.settle();
    const won = await world.journeys.instance(second!.id);
    expect(won).toMatchObject({ status: 'completed', outcome: { kind: 'goal', id: 'won-back' } });
    expect(won?.path.map((step) => step.node)).toEqual(['coupon', 'wait-order']);

    await world.advance(14 * DAY);
    expect(subjects()).toEqual([
      'We miss you, Lan: 15% off with COMEBACK15',
      'We miss you, Lan: 15% off with COMEBACK15',
    ]);
    expect(await sends(world.storage, 'lan')).toEqual([
      ['coupon', 'email', '2026-03-02T01:00:00.000Z'],
      ['coupon', 'email', '2026-04-08T01:00:00.000Z'],
    ]);
    expect(await enteredAndExited(world.storage, 'lan')).toEqual([
      ['Journey Entered', 'win-back'],
      ['Journey Exited', 'win-back', 'exit-node', 'no-order'],
      ['Journey Entered', 'win-back'],
      ['Journey Exited', 'win-back', 'goal', 'won-back'],
    ]);
    for (const id of ['an', 'minh', 'hoa', 'binh']) expect(await world.journeys.instancesOf(id)).toEqual([]);
    expect(world.push.received).toEqual([]);
    expect(world.zns.requests).toEqual([]);
    expect(world.sms.requests).toEqual([]);
  });
});
