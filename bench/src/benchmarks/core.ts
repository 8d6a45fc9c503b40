import { memoryStorage, normalizeEvent } from '@cx/core';
import { batches, normalizedEvents, rawTrackEvent } from '../data/sample-events';
import type { Benchmark } from '../harness';
import { perSecond, timeMs } from '../harness';

const APPEND_EVENTS = 50_000;
const BATCH = 500;
let run = 0;

/** Appends 50,000 events in batches of 500 to the memory adapter, against a bare Map doing the same inserts. */
const appendMemory: Benchmark = {
  name: 'core.append.memory',
  unit: 'events/s',
  higherIsBetter: true,
  peer: 'Map.set of the JSON (no validation)',
  async measure() {
    const events = normalizedEvents(APPEND_EVENTS, Date.parse('2026-01-01T00:00:00Z') + run++ * 1e9);
    const storage = memoryStorage();
    const cxMs = await timeMs(async () => {
      for (const batch of batches(events, BATCH)) await storage.events.append('bench', batch);
    });
    const bare = new Map<string, string>();
    const bareMs = await timeMs(async () => {
      for (const batch of batches(events, BATCH)) {
        for (const event of batch)
          if (!bare.has(event.messageId)) bare.set(event.messageId, JSON.stringify(event));
        await Promise.resolve();
      }
    });
    return { value: perSecond(APPEND_EVENTS, cxMs), peerValue: perSecond(APPEND_EVENTS, bareMs) };
  },
};

/** Validates and normalises raw Segment `track` calls (size limit, schema, skew correction). */
const validate: Benchmark = {
  name: 'core.validate',
  unit: 'events/s',
  higherIsBetter: true,
  async measure() {
    const raw = Array.from({ length: 50_000 }, (_, index) => rawTrackEvent(index));
    const ms = await timeMs(() => {
      for (const event of raw) normalizeEvent(event, { receivedAt: 0 });
    });
    return { value: perSecond(raw.length, ms) };
  },
};

export const benchmarks: Benchmark[] = [validate, appendMemory];
