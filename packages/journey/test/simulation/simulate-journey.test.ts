import { describe, expect, it } from 'vitest';
import { simulateJourney } from '../../src/simulation';
import { abandonedCart, DAY } from '../runtime/runtime-fixtures';
import { generatedHistory } from './generated-history';
import { runLive } from './live-run';

/*
 * The simulation's promise: it runs the production engine, so over a history it gives what a
 * live run over the same events would have given. The live run is driven separately (test/
 * simulation/live-run.ts), on the real in-app inbox, and the two are compared number by number.
 */
const history = generatedHistory(7);
const lastAt = Math.max(...history.events.map((event) => Date.parse(event.timestamp)));
const until = lastAt + 3 * DAY;

describe('simulateJourney over a generated history', () => {
  it('gives the same per-node counts, goal conversions and sends as running live over the same events', async () => {
    const report = await simulateJourney(abandonedCart, {
      events: history.events,
      profiles: history.profiles,
      until,
    });
    const live = await runLive(abandonedCart, history.events, history.profiles, until);

    expect(report.nodes).toEqual(live.stats.nodes);
    expect(report.instances).toEqual(live.stats.instances);
    expect(report.goals.ordered?.count).toBe(live.stats.goals.ordered);
    expect(report.conversionRate).toBe(live.stats.conversionRate);
    expect(report.sends.byChannel).toEqual(live.sendsByChannel);
    expect(report.sends.total).toBe(live.inboxed);

    // The history exercises every path: conversions within the day, after the reminder, never.
    expect(report.events).toEqual({
      read: history.events.length,
      replayed: history.events.length,
      skipped: 0,
    });
    expect(report.profiles).toBe(200);
    expect(report.nodes.push?.entered).toBeGreaterThan(150);
    expect(report.nodes['wait-order']?.converted).toBeGreaterThan(0);
    expect(report.nodes.reminder?.converted).toBeGreaterThan(0);
    expect(report.nodes.last?.entered).toBeGreaterThan(0);
    expect(report.nodes.done?.dropOff).toBeGreaterThan(0);
    expect(report.goals.ordered?.rate).toBeCloseTo(
      (report.goals.ordered?.count ?? 0) / report.instances.total,
      10,
    );
    // Each message node's sends, added up, are every send.
    const byNode = Object.values(report.sends.byNode).reduce(
      (sum, counts) => sum + (counts['in-app'] ?? 0),
      0,
    );
    expect(byNode).toBe(report.sends.total);
    expect(report.messages).toMatchObject({
      enqueued: report.sends.total,
      sent: report.sends.total,
      pending: 0,
    });
    // Everyone who entered on the last event has finished by `until`.
    expect(report.instances.running).toBe(0);
  });

  it('gives the same report twice, and for the same events read in another log order', async () => {
    const options = { profiles: history.profiles, until };
    const first = await simulateJourney(abandonedCart, { ...options, events: history.events });
    const again = await simulateJourney(abandonedCart, {
      ...options,
      events: (async function* () {
        yield* [...history.events].reverse();
      })(),
    });
    expect(again).toEqual(first);
  });
});
