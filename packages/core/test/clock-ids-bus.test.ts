import { describe, expect, it } from 'vitest';
import { createIdGenerator, createLocalBus, ManualClock } from '../src';

describe('ManualClock', () => {
  it('moves only when told, never backwards', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    expect(clock.now()).toBe(Date.parse('2026-01-01T00:00:00Z'));
    clock.advance(3 * 86_400_000);
    expect(new Date(clock.now()).toISOString()).toBe('2026-01-04T00:00:00.000Z');
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set('2025-01-01T00:00:00Z')).toThrow(RangeError);
  });
});

describe('createIdGenerator', () => {
  it('makes ULIDs that sort in creation order, even within one millisecond', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const newId = createIdGenerator(clock);
    const ids = Array.from({ length: 1000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    clock.advance(1);
    expect(newId() > ids[999]!).toBe(true);
  });
});

describe('createLocalBus', () => {
  it('delivers typed payloads to subscribers until they unsubscribe, awaiting async handlers', async () => {
    const bus = createLocalBus();
    const seen: string[] = [];
    const stop = bus.subscribe('events.appended', async ({ messageIds }) => {
      await Promise.resolve();
      seen.push(...messageIds);
    });
    await bus.publish('events.appended', { workspaceId: 'w', messageIds: ['a', 'b'] });
    expect(seen).toEqual(['a', 'b']);
    stop();
    await bus.publish('events.appended', { workspaceId: 'w', messageIds: ['c'] });
    expect(seen).toEqual(['a', 'b']);
  });

  it('reports a failing handler to the publisher after the other handlers ran', async () => {
    const bus = createLocalBus();
    const seen: string[] = [];
    bus.subscribe('events.appended', () => {
      throw new Error('boom');
    });
    bus.subscribe('events.appended', () => {
      seen.push('second');
    });
    await expect(bus.publish('events.appended', { workspaceId: 'w', messageIds: [] })).rejects.toThrow(
      'boom',
    );
    expect(seen).toEqual(['second']);
    const errors: unknown[] = [];
    const tolerant = createLocalBus({ onHandlerError: (error) => errors.push(error) });
    tolerant.subscribe('events.appended', () => {
      throw new Error('boom');
    });
    await tolerant.publish('events.appended', { workspaceId: 'w', messageIds: [] });
    expect(errors).toHaveLength(1);
  });
});
