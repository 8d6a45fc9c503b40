import {
  createChannels,
  LEDGER_COLLECTION,
  MESSAGES_COLLECTION,
  PREFERENCES_COLLECTION,
  type PressurePolicyInput,
} from '@cx/channels';
import { ManualClock, memoryStorage, type Storage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { JOURNEY_COLLECTIONS } from '../../src/runtime';
import { simulateJourney } from '../../src/simulation';
import { abandonedCart, DAY, START, WS } from '../runtime/runtime-fixtures';
import { generatedHistory } from './generated-history';
import { runLive } from './live-run';

const dailyCap: PressurePolicyInput = {
  rules: [{ id: 'daily-marketing', kind: 'cap', max: 1, per: 'day' }],
};

describe('contact pressure in a simulation', () => {
  const history = generatedHistory(11, 80);
  const until = Math.max(...history.events.map((event) => Date.parse(event.timestamp))) + 4 * DAY;

  it('shows a frequency cap as cap hits, and holds the same messages a live run holds', async () => {
    const options = { events: history.events, profiles: history.profiles, until };
    const uncapped = await simulateJourney(abandonedCart, options);
    const capped = await simulateJourney(abandonedCart, { ...options, channels: { pressure: dailyCap } });
    const live = await runLive(abandonedCart, history.events, history.profiles, until, dailyCap);

    expect(uncapped.pressure).toEqual({});
    expect(capped.pressure['daily-marketing']?.held).toBeGreaterThan(0);
    expect(capped.pressure['daily-marketing']?.dropped).toBe(0);
    expect(capped.nodes).toEqual(live.stats.nodes);
    expect(capped.sends.byChannel).toEqual(live.sendsByChannel);
  });

  it('counts messages a dropping cap dropped, which then never go out', async () => {
    const dropping: PressurePolicyInput = {
      rules: [{ id: 'daily-marketing', kind: 'cap', max: 1, per: 'day', action: 'drop' }],
    };
    const options = { events: history.events, profiles: history.profiles, until };
    const uncapped = await simulateJourney(abandonedCart, options);
    const capped = await simulateJourney(abandonedCart, { ...options, channels: { pressure: dropping } });
    const dropped = capped.pressure['daily-marketing']?.dropped ?? 0;
    expect(dropped).toBeGreaterThan(0);
    expect(capped.messages.dropped).toBe(dropped);
    expect(capped.sends.total).toBe(uncapped.sends.total - dropped);
  });
});

/** Counts of everything a run could write to a storage: events, profiles, documents, queues. */
async function footprint(storage: Storage) {
  const collections = [
    ...Object.values(JOURNEY_COLLECTIONS),
    MESSAGES_COLLECTION,
    LEDGER_COLLECTION,
    // The in-app inbox's collection, which @cx/channels does not export.
    'channels.inbox',
    PREFERENCES_COLLECTION,
  ];
  const documents: Record<string, unknown[]> = {};
  for (const collection of collections)
    documents[collection] = (await storage.documents.list(WS, collection, { limit: 10_000 })).items;
  return {
    events: (await storage.events.scan(WS, { limit: 10_000 })).items.length,
    head: await storage.events.logHead(WS),
    profiles: (await storage.profiles.list(WS, { limit: 1000 })).items,
    documents,
    work: await storage.work.stats(WS),
  };
}

describe('a simulation over a stored history', () => {
  it('reads events, profiles and consent from the source storage and writes nothing to it', async () => {
    const history = generatedHistory(3, 40);
    const clock = new ManualClock(START);
    const source = memoryStorage({ clock });
    for (const [id, traits] of Object.entries(history.profiles))
      await source.profiles.create(WS, { id, traits });
    await source.events.append(WS, history.events);
    const channels = createChannels({ storage: source, workspaceId: WS, clock, adapters: [] });
    await channels.preferences.change('p000', [{ op: 'unsubscribe', channel: 'in-app' }], 'test');
    clock.advance(30 * DAY);
    const before = await footprint(source);

    const report = await simulateJourney(abandonedCart, { events: { storage: source, workspaceId: WS } });

    expect(await footprint(source)).toEqual(before);
    expect(before.events).toBe(history.events.length);
    expect(report.events.replayed).toBe(history.events.length);
    expect(report.profiles).toBe(40);
    // Traits came from the source: the reminder's template reads `firstName` and rendered.
    expect(report.messages.failed).toBe(0);
    expect(report.nodes.reminder?.entered).toBeGreaterThan(0);
    // p000 left in-app in the source: their messages are suppressed by consent.
    expect(report.suppressed['unsubscribed-channel']).toBeGreaterThan(0);
    expect(report.messages.suppressed).toBe(report.suppressed['unsubscribed-channel']);
    // The same history given as an array, with the same traits and consent, gives the same counts.
    const fromArray = await simulateJourney(abandonedCart, {
      events: history.events,
      profiles: history.profiles,
    });
    expect(fromArray.nodes).toEqual(report.nodes);
    expect(fromArray.messages.suppressed).toBe(0);
  });
});
