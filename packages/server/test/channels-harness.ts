import { type Channels, createChannels, type SendRequest, type TemplateDefinition } from '@cx/channels';
import { createInbox, type Inbox, inAppChannel } from '@cx/channels/in-app';
import { webhookChannel } from '@cx/channels/webhook';
import { ManualClock, memoryStorage, type Storage } from '@cx/core';
import { createIdentity, type Identity } from '@cx/identity';
import { createCollectionHandler, type WorkspaceKeys } from '../src';
import { basic, listen } from './helpers';

export const WORKSPACES: WorkspaceKeys[] = [
  { workspaceId: 'acme', writeKey: 'wk_acme', readKey: 'rk_acme', adminKey: 'ak_acme' },
  { workspaceId: 'globex', writeKey: 'wk_globex', readKey: 'rk_globex', adminKey: 'ak_globex' },
];

/** Each workspace signs its links with its own secret. */
export const LINK_SECRETS: Record<string, string> = {
  acme: 'acme-link-secret-of-at-least-thirty-two-characters',
  globex: 'globex-link-secret-of-at-least-thirty-two-characters',
};
export const WEBHOOK_SECRET = 'a-webhook-secret-of-at-least-thirty-two-characters';
export const BASE_URL = 'https://cx.example.com';

/** The in-app notice every test sends: marketing, on the `promotions` topic unless told otherwise. */
export const dealInApp: TemplateDefinition = {
  id: 'deal-in-app',
  channel: 'in-app',
  defaultLocale: 'en-US',
  variants: { 'en-US': { title: 'Hi {{ profile.traits.firstName }}', text: 'Our deals: {{ data.deal }}' } },
};

/** The same, posted to the webhook channel's endpoint. */
export const dealWebhook: TemplateDefinition = {
  id: 'deal-webhook',
  channel: 'webhook',
  defaultLocale: 'en-US',
  variants: { 'en-US': { title: 'Deal for {{ profile.traits.firstName }}', text: '{{ data.deal }}' } },
};

export interface ChannelsServer {
  url: string;
  clock: ManualClock;
  storage: Storage;
  identity: Identity;
  services: Map<string, Channels>;
  inboxes: Map<string, Inbox>;
  acme: Channels;
  /** Requests the webhook channel's endpoint received. */
  received: string[];
  /** An endpoint that refuses every message with `400` (a profile's `webhookUrl` trait). */
  refusingUrl: string;
  close: () => Promise<void>;
}

/**
 * A collector over memory storage with a channels service per workspace: the in-app channel (with
 * its inbox) and the webhook channel (posting to a local receiver), signed links and two topics.
 * `factory` replaces the service factory the server is given.
 */
export async function startChannelsServer(
  factory?: (services: Map<string, Channels>) => (workspaceId: string) => Channels | undefined,
): Promise<ChannelsServer> {
  const clock = new ManualClock('2026-03-02T03:00:00.000Z');
  const storage = memoryStorage({ clock });
  const identity = createIdentity({ storage, clock });
  const received: string[] = [];
  const receiver = await listen((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      received.push(body);
      res.writeHead(req.url === '/refuse' ? 400 : 200).end();
    });
  });
  const inboxes = new Map<string, Inbox>();
  const services = new Map<string, Channels>();
  for (const { workspaceId } of WORKSPACES) {
    const inbox = createInbox({ storage, workspaceId, clock });
    inboxes.set(workspaceId, inbox);
    services.set(
      workspaceId,
      createChannels({
        storage,
        workspaceId,
        clock,
        random: () => 0.5,
        adapters: [
          inAppChannel({ inbox }),
          webhookChannel({ secret: WEBHOOK_SECRET, url: receiver.url, clock }),
        ],
        links: { baseUrl: BASE_URL, secret: LINK_SECRETS[workspaceId]! },
        topics: [
          { id: 'promotions', name: 'Deals & offers', channels: ['in-app', 'webhook'] },
          { id: 'newsletter', name: 'Newsletter', description: 'Once a month', optIn: true },
        ],
      }),
    );
  }
  const server = await listen(
    createCollectionHandler({
      identity,
      workspaces: WORKSPACES,
      clock,
      channels: {
        service: factory ? factory(services) : (workspaceId) => services.get(workspaceId),
        inbox: (workspaceId) => inboxes.get(workspaceId),
      },
    }),
  );
  return {
    url: server.url,
    clock,
    storage,
    identity,
    services,
    inboxes,
    acme: services.get('acme')!,
    received,
    refusingUrl: `${receiver.url}/refuse`,
    close: async () => {
      await server.close();
      await receiver.close();
    },
  };
}

/** Creates a profile with a user id (so identity finds `user_id:u-<id>`) and traits. */
export async function person(
  storage: Storage,
  id: string,
  traits: Record<string, unknown> = {},
  workspaceId = 'acme',
): Promise<string> {
  await storage.profiles.create(workspaceId, {
    id,
    identifiers: [{ type: 'user_id', value: `u-${id}` }],
    traits: { firstName: id, ...traits },
  });
  return id;
}

/** Sends one marketing message and delivers it; returns its id. */
export async function sendAndDrain(
  channels: Channels,
  profileId: string,
  overrides: Partial<SendRequest> = {},
): Promise<string> {
  const receipt = await channels.send({
    source: 'campaign:spring',
    step: 'wave-1',
    profileId,
    channels: ['in-app'],
    templates: { 'in-app': dealInApp, webhook: dealWebhook },
    category: 'marketing',
    topic: 'promotions',
    data: { deal: '20% off' },
    ...overrides,
  });
  await channels.dispatcher().drain();
  return receipt.messageId;
}

/** The names of the `Message …` events on a profile, in order. */
export async function messageEvents(
  storage: Storage,
  profileId: string,
  workspaceId = 'acme',
): Promise<string[]> {
  const page = await storage.events.listByProfile(workspaceId, { profileIds: [profileId], limit: 1000 });
  return page.items.flatMap((event) =>
    event.type === 'track' && event.event.startsWith('Message ') ? [event.event] : [],
  );
}

/** A request to the server: a path, a method, headers and an optional body (JSON unless a string). */
export function call(
  url: string,
  path: string,
  init: {
    method?: string;
    key?: string;
    bearer?: string;
    headers?: Record<string, string>;
    body?: unknown;
  } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    ...(init.key === undefined ? {} : { authorization: basic(init.key) }),
    ...(init.bearer === undefined ? {} : { authorization: `Bearer ${init.bearer}` }),
    ...(init.body === undefined || typeof init.body === 'string'
      ? {}
      : { 'content-type': 'application/json' }),
    ...init.headers,
  };
  return fetch(url + path, {
    method: init.method ?? 'GET',
    headers,
    redirect: 'manual',
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
}

/** The path part of a link the service made (`https://cx.example.com/v1/…` → `/v1/…`). */
export const pathOf = (link: string): string => new URL(link).pathname;

/** The token at the end of a link. */
export const tokenOf = (link: string): string => pathOf(link).split('/').at(-1)!;
