import { describe, expect, it } from 'vitest';
import { createEventConsumer, isCxError, ManualClock, memoryStorage } from '../src';
import { makeEvents } from '../src/testing';

const WS = 'acme';

describe('createEventConsumer with pages whose work is more than one commit takes', () => {
  it('applies a page in halves when its commit would schedule over 1,000 items, each event once', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const storage = memoryStorage({ clock });
    await storage.events.append(WS, makeEvents(500));
    const pages: number[] = [];
    const consumer = createEventConsumer({
      storage,
      clock,
      workspaceId: WS,
      name: 'test.fan-out',
      pageSize: 500,
      // Three items per event: a full page is 1,500, over a commit's 1,000.
      handler: async (events) => {
        pages.push(events.length);
        return {
          schedule: events.flatMap((event) =>
            [1, 2, 3].map((n) => ({ queue: 'test.fan-out', key: `${event.messageId}/${n}` })),
          ),
        };
      },
    });
    expect(await consumer.drain()).toBe(500);
    expect(pages).toEqual([500, 250, 250]);
    const stats = (await storage.work.stats(WS)).find((queue) => queue.queue === 'test.fan-out');
    expect(stats?.scheduled).toBe(1500);
    expect(await consumer.checkpoint()).toMatchObject({ applied: 500 });
  });

  it('reports a single event whose commit is refused, and keeps its checkpoint', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const storage = memoryStorage({ clock });
    await storage.events.append(WS, makeEvents(2));
    const consumer = createEventConsumer({
      storage,
      clock,
      workspaceId: WS,
      name: 'test.too-much',
      handler: async (events) => ({
        schedule: Array.from({ length: 1001 * events.length }, (_, n) => ({
          queue: 'test.too-much',
          key: `k${n}`,
        })),
      }),
    });
    const error = await consumer.poll().catch((thrown: unknown) => thrown);
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect(await consumer.lag()).toBe(2);
  });
});
