import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createChannels } from '@cx/channels';
import { createInbox, inAppChannel } from '@cx/channels/in-app';
import {
  type CxEvent,
  ManualClock,
  memoryStorage,
  normalizeEvent,
  type Storage,
  withProfileId,
} from '@cx/core';
import { sqliteStorage } from '@cx/storage-sqlite';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { createJourneys, type Journeys, type JourneysOptions } from '../../src/runtime';

export const WS = 'shop';
export const DAY = 86_400_000;
export const START = '2026-03-02T03:00:00.000Z';

/** The abandoned cart, in-app: a note at once, a reminder after a day, a last note a day later. */
export const abandonedCart: JourneyDefinition = {
  id: 'abandoned-cart',
  entry: {
    type: 'event',
    event: 'Cart Updated',
    where: { productName: { $exists: true } },
    correlation: ['cartId'],
  },
  start: 'push',
  nodes: [
    {
      type: 'message',
      id: 'push',
      channels: ['in-app'],
      templates: {
        'in-app': {
          id: 'cart-push',
          channel: 'in-app',
          defaultLocale: 'en-US',
          variants: { 'en-US': { title: 'Your cart', text: '{{ data.entry.productName }} is waiting' } },
        },
      },
      next: 'wait-order',
    },
    {
      type: 'wait-for',
      id: 'wait-order',
      until: { kind: 'event', event: 'Order Completed', correlate: { cartId: 'cartId' } },
      timeout: { days: 1 },
      next: 'done',
      onTimeout: 'reminder',
    },
    {
      type: 'message',
      id: 'reminder',
      channels: ['in-app'],
      templates: {
        'in-app': {
          id: 'cart-reminder',
          channel: 'in-app',
          defaultLocale: 'en-US',
          variants: {
            'en-US': { title: 'Still thinking, {{ profile.traits.firstName }}?', text: 'Your cart' },
          },
        },
      },
      next: 'wait-more',
    },
    { type: 'wait', id: 'wait-more', for: { days: 1 }, next: 'last' },
    {
      type: 'message',
      id: 'last',
      channels: ['in-app'],
      templates: {
        'in-app': {
          id: 'cart-last',
          channel: 'in-app',
          defaultLocale: 'en-US',
          variants: { 'en-US': { title: 'Last call', text: 'Your cart expires today' } },
        },
      },
      next: 'done',
    },
    { type: 'exit', id: 'done' },
  ],
  goals: [{ id: 'ordered', kind: 'event', event: 'Order Completed', correlate: { cartId: 'cartId' } }],
  reentry: { mode: 'after-exit' },
};

let counter = 0;

/** A track event of `profileId`, attributed as identity would attribute it. */
export function track(
  profileId: string,
  at: number,
  name: string,
  properties: Record<string, unknown> = {},
): CxEvent {
  const normalized = normalizeEvent(
    {
      type: 'track',
      event: name,
      properties,
      userId: `u-${profileId}`,
      messageId: `m-${++counter}-${profileId}`,
      timestamp: new Date(at).toISOString(),
    },
    { receivedAt: at },
  );
  return withProfileId(normalized, profileId);
}

/** An embedded runtime on one storage: journeys, channels with the in-app inbox, a manual clock. */
export interface Embedded {
  storage: Storage;
  clock: ManualClock;
  journeys: Journeys;
  inbox: ReturnType<typeof createInbox>;
  /** Appends events (none refused). */
  append(...events: CxEvent[]): Promise<void>;
  /** Runs the journeys and the outbox until both are idle. */
  settle(): Promise<void>;
  /** Titles in a profile's inbox, oldest first. */
  inboxTitles(profileId: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The storages the embedded tests run on: the reference memory adapter and SQLite on a temp file. */
export const storages: [string, (clock: ManualClock) => { storage: Storage; cleanup: () => void }][] = [
  ['memory', (clock) => ({ storage: memoryStorage({ clock }), cleanup: () => {} })],
  [
    'sqlite',
    (clock) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'cx-journey-'));
      return {
        storage: sqliteStorage({ filename: path.join(dir, 'journeys.db'), clock }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
];

/** Builds an embedded runtime and creates the given profiles; `runtime` adds options (`segmentsOf`…). */
export async function embedded(
  open: (clock: ManualClock) => { storage: Storage; cleanup: () => void },
  profiles: Record<string, Record<string, unknown>> = {},
  runtime: Partial<
    Pick<JourneysOptions, 'segmentMembers' | 'segmentsOf' | 'assignVariation' | 'onError'>
  > = {},
): Promise<Embedded> {
  const clock = new ManualClock(START);
  const { storage, cleanup } = open(clock);
  const inbox = createInbox({ storage, workspaceId: WS, clock });
  const channels = createChannels({ storage, workspaceId: WS, clock, adapters: [inAppChannel({ inbox })] });
  const journeys = createJourneys({
    storage,
    workspaceId: WS,
    clock,
    channels,
    onError: (error) => {
      throw error;
    },
    ...runtime,
  });
  const dispatcher = channels.dispatcher({ onError: (error) => console.error(error) });
  for (const [id, traits] of Object.entries(profiles)) await storage.profiles.create(WS, { id, traits });
  return {
    storage,
    clock,
    journeys,
    inbox,
    async append(...events) {
      const result = await storage.events.append(WS, events);
      if (result.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(result.rejected)}`);
    },
    async settle() {
      for (let round = 0; round < 10; round++) {
        await journeys.drain();
        if ((await dispatcher.drain()) === 0) return;
      }
    },
    async inboxTitles(profileId) {
      const { items } = await inbox.list(profileId, { limit: 100 });
      return items
        .slice()
        .reverse()
        .map((message) => message.title ?? '');
    },
    async close() {
      await storage.close();
      cleanup();
    },
  };
}

/** A profile's track events whose name starts with `prefix`, oldest first. */
export async function eventsOf(
  storage: Storage,
  profileId: string,
  prefix: string,
): Promise<{ name: string; at: string; properties: Record<string, unknown> }[]> {
  const page = await storage.events.listByProfile(WS, { profileIds: [profileId], limit: 1000 });
  return page.items.flatMap((event) =>
    event.type === 'track' && event.event.startsWith(prefix)
      ? [
          {
            name: event.event,
            at: event.timestamp,
            properties: (event.properties ?? {}) as Record<string, unknown>,
          },
        ]
      : [],
  );
}

/** The journey events on a profile, oldest first. */
export async function journeyEvents(
  storage: Storage,
  profileId: string,
): Promise<{ name: string; properties: Record<string, unknown> }[]> {
  return (await eventsOf(storage, profileId, 'Journey ')).map(({ name, properties }) => ({
    name,
    properties,
  }));
}
