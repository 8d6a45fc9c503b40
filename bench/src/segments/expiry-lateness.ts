import { type CommitInput, memoryStorage, normalizeEvent, type Storage, withProfileId } from '@cx/core';
import { createSegmentEngine } from '@cx/segments';
import type { Benchmark } from '../harness';
import { startableClock } from '../work/startable-clock';

const PROFILES = 1_000_000;
const SPREAD_MS = 20_000;
const WINDOW_MS = 60 * 60_000;
const WORKSPACE = 'bench';

/**
 * 1,000,000 profiles each hold a one-hour window ("viewed a product in the last hour"), their
 * events spread so the windows close evenly over 20 s once the clock runs. The engine's expiry
 * worker (memory adapter) writes each `Segment Exited`; lateness = commit time − the instant the
 * window closed. Reported: the 99th percentile, in ms.
 */
export const expiryLateness: Benchmark = {
  name: 'segments.expiry-lateness.memory',
  unit: 'ms (p99)',
  higherIsBetter: false,
  runs: 3,
  async measure() {
    const at = Date.parse('2026-01-01T01:00:00Z');
    const { clock, start } = startableClock(at);
    const base = memoryStorage({ clock });
    const late = new Float64Array(PROFILES);
    let exits = 0;
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => (finished = resolve));
    // Watches the engine's commits for its exits (the storage itself is untouched).
    const storage: Storage = {
      ...base,
      commit: async (workspaceId: string, input: CommitInput) => {
        const result = await base.commit(workspaceId, input);
        for (const event of input.events ?? []) {
          if (event.type === 'track' && event.event === 'Segment Exited') {
            const index = Number(event.profileId!.slice(1));
            late[exits++] = clock.now() - (at + 1 + Math.floor((index / PROFILES) * SPREAD_MS));
            if (exits === PROFILES) finished();
          }
        }
        return result;
      },
    };
    const engine = createSegmentEngine({
      storage,
      workspaceId: WORKSPACE,
      clock,
      pageSize: 1000,
      onError: () => {},
    });
    await engine.define({
      id: 'viewed-last-hour',
      name: 'Viewed a product in the last hour',
      node: { type: 'performed', event: 'Product Viewed', window: { last: { amount: 1, unit: 'hours' } } },
    });
    await engine.drain();
    for (let offset = 0; offset < PROFILES; offset += 10_000) {
      const events = [];
      for (let i = offset; i < offset + 10_000; i++) {
        // One millisecond inside the window at `at`: every profile is a member when the clock starts.
        const ts = at - WINDOW_MS + 1 + Math.floor((i / PROFILES) * SPREAD_MS);
        events.push(
          withProfileId(
            normalizeEvent(
              {
                type: 'track',
                event: 'Product Viewed',
                userId: `u${i}`,
                messageId: `m${i}`,
                timestamp: new Date(ts).toISOString(),
              },
              { receivedAt: ts },
            ),
            `p${i}`,
          ),
        );
      }
      await base.events.append(WORKSPACE, events);
      await engine.drain();
    }
    start();
    engine.start();
    const timeout = setTimeout(() => finished(), SPREAD_MS + 120_000);
    await done;
    clearTimeout(timeout);
    if (exits !== PROFILES) throw new Error(`only ${exits} of ${PROFILES} windows closed`);
    await engine.stop();
    late.sort();
    return { value: Math.round(late[Math.floor(PROFILES * 0.99)]!) };
  },
};
