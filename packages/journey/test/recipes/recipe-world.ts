import { type Channels, createChannels, createLinkSigner, trackingLinks } from '@cx/channels';
import { smtpEmail } from '@cx/channels/email';
import { createInbox, inAppChannel } from '@cx/channels/in-app';
import { httpSms } from '@cx/channels/sms';
import { generateVapidKeys, webPush } from '@cx/channels/web-push';
import { zaloZns } from '@cx/channels/zalo';
import { type CxEvent, ManualClock, memoryStorage, type Storage, seededRandom } from '@cx/core';
import { type LocalSmtpServer, startLocalSmtpServer } from '../../../channels/test/email/local-smtp-server';
import { type LocalSmsGateway, startLocalSmsGateway } from '../../../channels/test/sms/local-sms-gateway';
import {
  type LocalPushService,
  startPushService,
} from '../../../channels/test/web-push/support/local-push-service';
import { type LocalZnsServer, startLocalZnsServer } from '../../../channels/test/zalo/local-zns-server';
import { createJourneys, type Journeys } from '../../src/runtime';
import { eventsOf, track } from '../runtime/runtime-fixtures';

export { track };

export const WS = 'shop';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const BASE_URL = 'https://cx.example.com';
const SECRET = 'a-link-secret-of-at-least-thirty-two-characters';

/**
 * One workspace with the journey runtime embedded on a manual clock, and real @cx/channels
 * adapters talking to local provider servers: web push (a push service that decrypts what it
 * receives), SMTP email, Zalo ZNS, an HTTP SMS gateway, and the in-app inbox.
 */
export interface RecipeWorld {
  storage: Storage;
  clock: ManualClock;
  channels: Channels;
  journeys: Journeys;
  inbox: ReturnType<typeof createInbox>;
  push: LocalPushService;
  smtp: LocalSmtpServer;
  zns: LocalZnsServer;
  sms: LocalSmsGateway;
  /** Creates a profile (with a user id), and a web push subscription when `push` is set. */
  person(id: string, traits: Record<string, unknown>, options?: { push?: boolean }): Promise<void>;
  /** Appends events to the log (none refused), as identity would after attributing them. */
  append(...events: CxEvent[]): Promise<void>;
  /** Runs the journeys (log and due timers) and the outbox until both are idle. */
  settle(): Promise<void>;
  /** Moves the clock on and settles. */
  advance(ms: number): Promise<void>;
  /** Moves the clock to an instant and settles. */
  advanceTo(at: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the local servers and the runtime; `start` is the manual clock's first instant. */
export async function recipeWorld(start: string): Promise<RecipeWorld> {
  const clock = new ManualClock(start);
  const storage = memoryStorage({ clock });
  const keys = generateVapidKeys();
  const [push, smtp, zns, sms] = await Promise.all([
    startPushService({ vapidPublicKey: keys.publicKey, clock }),
    startLocalSmtpServer(),
    startLocalZnsServer(),
    startLocalSmsGateway(),
  ]);
  const inbox = createInbox({ storage, workspaceId: WS, clock });
  const channels = createChannels({
    storage,
    workspaceId: WS,
    clock,
    random: seededRandom(7),
    links: { baseUrl: BASE_URL, secret: SECRET },
    defaults: { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
    allowInsecurePushEndpoints: true,
    adapters: [
      webPush({ vapid: { subject: 'mailto:ops@example.com', ...keys }, allowInsecureEndpoints: true, clock }),
      smtpEmail({
        smtp: { host: '127.0.0.1', port: smtp.port, pool: false },
        from: 'Shop <shop@example.com>',
        tracking: { links: trackingLinks(BASE_URL, createLinkSigner({ secret: SECRET }), WS) },
      }),
      zaloZns({ baseUrl: zns.url, accessToken: 'zns-token-1', clock }),
      httpSms({ id: 'gateway', url: sms.url, token: sms.token, clock }),
      inAppChannel({ inbox }),
    ],
  });
  const journeys = createJourneys({
    storage,
    workspaceId: WS,
    clock,
    channels,
    onError: (error) => {
      throw error;
    },
  });
  const dispatcher = channels.dispatcher({ onError: (error) => console.error(error) });

  const settle = async () => {
    for (let round = 0; round < 10; round++) {
      await journeys.drain();
      if ((await dispatcher.drain()) === 0) return;
    }
    throw new Error('the journeys and the outbox did not settle in 10 rounds');
  };
  return {
    storage,
    clock,
    channels,
    journeys,
    inbox,
    push,
    smtp,
    zns,
    sms,
    async person(id, traits, options = {}) {
      await storage.profiles.create(WS, { id, identifiers: [{ type: 'user_id', value: `u-${id}` }], traits });
      if (options.push) await channels.devices.addPushSubscription(id, push.subscribe());
    },
    async append(...events) {
      const result = await storage.events.append(WS, events);
      if (result.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(result.rejected)}`);
    },
    settle,
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    async advanceTo(at) {
      clock.set(at);
      await settle();
    },
    async close() {
      await Promise.all([push.close(), smtp.close(), zns.close(), sms.close()]);
      await storage.close();
    },
  };
}

/** The `Journey Entered`/`Exited` events of a profile, as `[name, journeyId, reason, outcomeId]`. */
export async function enteredAndExited(storage: Storage, profileId: string): Promise<unknown[][]> {
  const events = await eventsOf(storage, profileId, 'Journey ');
  return events
    .filter((event) => event.name !== 'Journey Step')
    .map(({ name, properties }) =>
      name === 'Journey Entered'
        ? [name, properties.journeyId]
        : [name, properties.journeyId, properties.reason, properties.outcomeId],
    );
}

/**
 * Where each journey message of a profile went out: `[step node, channel, sent at]`, by time, then
 * by node (messages sent at the same instant reach their providers in no fixed order).
 */
export async function sends(storage: Storage, profileId: string): Promise<[string, unknown, string][]> {
  const events = await eventsOf(storage, profileId, 'Message Sent');
  return events
    .map(({ properties, at }): [string, unknown, string] => [
      String(properties.step).slice(String(properties.step).lastIndexOf('/') + 1),
      properties.channel,
      at,
    ])
    .sort((a, b) => a[2].localeCompare(b[2]) || a[0].localeCompare(b[0]));
}
