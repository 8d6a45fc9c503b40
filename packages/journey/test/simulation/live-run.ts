import {
  type ChannelKind,
  createChannels,
  MESSAGES_COLLECTION,
  type MessageRecord,
  OUTBOX_QUEUE,
  type PressurePolicyInput,
} from '@cx/channels';
import { createInbox, inAppChannel } from '@cx/channels/in-app';
import { type CxEvent, ManualClock, memoryStorage } from '@cx/core';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { createJourneys, type JourneyStats, TIMER_QUEUE } from '../../src/runtime';
import { START, WS } from '../runtime/runtime-fixtures';

/** What the live run did. */
export interface LiveResult {
  stats: JourneyStats;
  /** Messages that went out, per channel (from the message records). */
  sendsByChannel: Partial<Record<ChannelKind, number>>;
  /** Messages in the people's in-app inboxes. */
  inboxed: number;
}

/**
 * The journey run LIVE, as production runs it: `createJourneys` and `createChannels` with the
 * real in-app inbox on a memory storage, the events appended to the log at their times and the
 * clock moved on to each timer and outbox item due before them, running the journeys and the
 * dispatcher at each stop. Written apart from the simulation's driver on purpose, so that a
 * mistake in that driver shows as a difference.
 */
export async function runLive(
  definition: JourneyDefinition,
  events: readonly CxEvent[],
  profiles: Record<string, Record<string, unknown>>,
  until: number,
  pressure?: PressurePolicyInput,
): Promise<LiveResult> {
  const clock = new ManualClock(START);
  const storage = memoryStorage({ clock });
  const inbox = createInbox({ storage, workspaceId: WS, clock });
  const channels = createChannels({
    storage,
    workspaceId: WS,
    clock,
    adapters: [inAppChannel({ inbox })],
    ...(pressure ? { pressure } : {}),
  });
  const fail = (error: unknown) => {
    throw error;
  };
  const journeys = createJourneys({ storage, workspaceId: WS, clock, channels, onError: fail });
  const dispatcher = channels.dispatcher({ onError: fail });
  for (const [id, traits] of Object.entries(profiles)) await storage.profiles.create(WS, { id, traits });
  await journeys.publish(definition);

  const settle = async () => {
    for (;;) {
      await journeys.drain();
      if ((await dispatcher.drain()) === 0) return;
    }
  };
  const runUntil = async (time: number) => {
    for (;;) {
      await settle();
      const due = [
        await storage.work.nextDueAt(WS, TIMER_QUEUE),
        await storage.work.nextDueAt(WS, OUTBOX_QUEUE),
      ].flatMap((each) => (each === null ? [] : [Date.parse(each)]));
      const next = Math.min(...due);
      if (due.length === 0 || next > time) break;
      clock.set(Math.max(next, clock.now()));
    }
    clock.set(Math.max(time, clock.now()));
    await settle();
  };

  const ordered = [...events].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  for (const event of ordered) {
    await runUntil(Date.parse(event.timestamp));
    await storage.events.append(WS, [event]);
    await settle();
  }
  await runUntil(until);

  const sendsByChannel: LiveResult['sendsByChannel'] = {};
  let inboxed = 0;
  const records = await storage.documents.list<MessageRecord>(WS, MESSAGES_COLLECTION, { limit: 10_000 });
  for (const { value } of records.items) {
    if (value.sentOn) sendsByChannel[value.sentOn] = (sendsByChannel[value.sentOn] ?? 0) + 1;
  }
  for (const id of Object.keys(profiles)) inboxed += (await inbox.list(id, { limit: 100 })).items.length;
  const stats = await journeys.stats(definition.id);
  await storage.close();
  return { stats, sendsByChannel, inboxed };
}
