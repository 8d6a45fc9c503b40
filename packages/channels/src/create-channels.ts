import {
  type Clock,
  ConfigError,
  ConflictError,
  canonicalProfile,
  createWorker,
  type EventBus,
  type IdleOptions,
  NotFoundError,
  type Page,
  parseOrThrow,
  type QueueStats,
  type Storage,
  systemClock,
  UnauthorizedError,
  type Worker,
  type WorkItem,
  workspaceIdSchema,
} from '@cx/core';
import { z } from 'zod';
import type { ContactPreferences } from './consent/contact-preferences';
import type { PreferenceChangeInput } from './consent/preference-change';
import { createPreferenceStore, type PreferenceStore } from './consent/preference-store';
import { type SubscriptionTopic, subscriptionTopicsSchema } from './consent/subscription-topics';
import type { ChannelAdapter, WebhookRequest } from './contract/channel-adapter';
import { CHANNEL_KINDS, type ChannelKind } from './contract/channel-kind';
import { type RecordedDeliveries, recordDeliveryEvents } from './delivery/record-delivery-events';
import { readLedger } from './ledger/contact-ledger';
import { createLinkSigner, type LinkSigner } from './links/link-signer';
import { type MessageLinkBuilder, messageLinks } from './links/message-links';
import { type TrackingLinks, type TrackingPayload, trackingLinks } from './links/tracking-links';
import { dispatchMessage } from './outbox/dispatch-message';
import {
  type EnqueueContext,
  enqueueMessage,
  type PreparedSend,
  prepareMessage,
  type SendReceipt,
  templateScope,
} from './outbox/enqueue-message';
import { MESSAGES_COLLECTION, type MessageRecord, OUTBOX_QUEUE } from './outbox/message-record';
import type { RetryPolicy } from './outbox/retry-policy';
import { type SendRequest, sendRequestSchema } from './outbox/send-request';
import {
  type ContactSummary,
  contactSummary,
  createPressurePolicy,
  ledgerHorizonMs,
  type PressurePolicyInput,
} from './pressure';
import { createDeviceRegistry, type DeviceRegistry } from './recipients/device-registry';
import { personSettings, type RecipientTraits } from './recipients/resolve-recipient';
import { createTemplateRenderer, createTemplateStore, type TemplateStore } from './templates';

/** Options of {@link createChannels}. */
export interface ChannelsOptions {
  storage: Storage;
  workspaceId: string;
  /** The adapters, one or more per channel; the order within a channel is the failover order. */
  adapters: readonly ChannelAdapter[];
  /** Overrides the failover order per channel, by adapter id. */
  providers?: Partial<Record<ChannelKind, readonly string[]>>;
  /** Subscription topics people can join and leave. */
  topics?: readonly SubscriptionTopic[];
  /** Frequency caps and quiet hours. */
  pressure?: PressurePolicyInput;
  /**
   * Where `@cx/server` is reachable, and the secret that signs unsubscribe, preference and tracking
   * links. Required for marketing email (RFC 8058 one-click unsubscribe).
   */
  links?: {
    baseUrl: string;
    secret?: string | readonly string[];
    signer?: LinkSigner;
    unsubscribeMailto?: string;
  };
  retry?: RetryPolicy;
  /** The locale, currency and time zone of people whose profile has none; defaults `en-US`, `USD`, `UTC`. */
  defaults?: { locale?: string; currency?: string; timezone?: string };
  /** Profile traits that hold each address; defaults `email`, `phone`, `timezone`, `locale`, `webhookUrl`. */
  recipientTraits?: RecipientTraits;
  /** Gives up on one provider call after this long, in ms; default 30 s. */
  sendTimeoutMs?: number;
  /** Accept `http:` push subscription endpoints (a local push service in development); default false. */
  allowInsecurePushEndpoints?: boolean;
  clock?: Clock;
  /** Where retry jitter comes from; default `Math.random`. */
  random?: () => number;
  /** Failures that must not fail the caller (a click that could not be recorded); default `console.error`. */
  onError?: (error: unknown) => void;
}

/** Options of {@link Channels.dispatcher}. */
export interface DispatcherOptions {
  /** Messages claimed per turn; default 20. */
  batchSize?: number;
  /** Messages sent at once; default `batchSize`. */
  concurrency?: number;
  /** Lease per claim; default 60 s (renewed while a send runs). */
  leaseMs?: number;
  owner?: string;
  bus?: EventBus;
  idle?: IdleOptions;
  onError?: (error: unknown) => void;
}

/** The messaging service of one workspace: send, dispatch, consent, the ledger, delivery events. */
export interface Channels {
  /** The workspace this service sends for. */
  readonly workspaceId: string;
  /** The channels with at least one adapter, and their adapters in failover order. */
  readonly routes: ReadonlyMap<ChannelKind, readonly string[]>;
  /**
   * Renders and enqueues a message to one person, exactly once per source, step and profile. A
   * missing template variable throws `TemplateRenderError` and stores nothing.
   */
  send(request: SendRequest): Promise<SendReceipt>;
  /**
   * Renders a message as {@link Channels.send} does, but stores nothing: returns the message's
   * record and outbox item for the caller to put in its own commit, so a state change and the
   * messages it sends are stored together or not at all (a journey step). `duplicate` when this
   * source, step and profile enqueued it before. The caller's commit is refused with `CONFLICT`
   * if the same message is enqueued meanwhile.
   *
   * @example
   * ```ts
   * const prepared = await channels.prepare({ source: 'orders', step: 'o-1/receipt', profileId: 'p1', channels: ['email'], templates: { email: 'receipt' } });
   * if (!prepared.duplicate)
   *   await storage.commit('shop', { ...prepared.commit, documents: [...prepared.commit.documents, orderDocument] });
   * ```
   */
  prepare(request: SendRequest): Promise<PreparedSend>;
  /** A worker that claims due messages from the outbox and delivers them; `start()` it or `drain()` it. */
  dispatcher(options?: DispatcherOptions): Worker;
  /** A message's record: status, route, history, and the rule behind any hold or suppression. */
  message(messageId: string): Promise<MessageRecord | null>;
  /** Sends a failed (dead-lettered) message again from the start of its chain; `CONFLICT` for any other status. */
  retry(messageId: string): Promise<void>;
  /** Outbox counts and dead letters, for operators. */
  outbox: {
    stats(): Promise<QueueStats>;
    deadLetters(query?: { limit?: number; cursor?: string | null }): Promise<Page<WorkItem>>;
  };
  /** "How many messages did this person get this week, on which channels": one call. */
  contactSummary(profileId: string, period?: 'day' | 'week' | { days: number }): Promise<ContactSummary>;
  preferences: PreferenceStore;
  topics: readonly SubscriptionTopic[];
  devices: DeviceRegistry;
  templates: TemplateStore;
  /** Renders a template for a profile without sending: the preview API. */
  preview(input: {
    profileId: string;
    channel: ChannelKind;
    template: SendRequest['templates'][ChannelKind];
    data?: Record<string, unknown>;
    event?: Record<string, unknown>;
    locale?: string;
  }): Promise<{ content: import('./contract/outbound-message').MessageContent; locale: string }>;
  /** Verifies a provider's webhook with its adapter, then records its delivery events. */
  handleWebhook(adapterId: string, request: WebhookRequest): Promise<RecordedDeliveries>;
  /** The signed links, when `links` is configured. */
  links: (MessageLinkBuilder & { tracking: TrackingLinks }) | undefined;
  /** One-click unsubscribe from a signed link: leaves the link's topic or channel. */
  unsubscribe(
    token: string,
    source?: string,
  ): Promise<{ profileId: string; channel: ChannelKind; topic?: string }>;
  /** Records an open from a tracking pixel's token. */
  trackOpen(token: string): Promise<void>;
  /**
   * Records a click from a tracking link's token and returns where to send the browser. A forged
   * token throws; a click that cannot be recorded still returns the link (and goes to `onError`).
   */
  trackClick(token: string): Promise<string>;
  /** The preferences a preference-page token opens. */
  preferencesFor(
    token: string,
  ): Promise<{ profileId: string; preferences: ContactPreferences; topics: readonly SubscriptionTopic[] }>;
  /** Applies changes made on the preference page. */
  updatePreferences(token: string, changes: readonly PreferenceChangeInput[]): Promise<ContactPreferences>;
}

const optionsSchema = z.object({
  workspaceId: workspaceIdSchema,
  adapters: z.array(z.object({ id: z.string().min(1), channel: z.enum(CHANNEL_KINDS) }).loose()),
  providers: z.partialRecord(z.enum(CHANNEL_KINDS), z.array(z.string().min(1)).min(1)).optional(),
  topics: subscriptionTopicsSchema.optional(),
  links: z
    .object({
      baseUrl: z.url(),
      secret: z.union([z.string(), z.array(z.string())]).optional(),
      unsubscribeMailto: z.email().optional(),
    })
    .loose()
    .optional(),
  sendTimeoutMs: z.number().int().min(1).optional(),
});

/**
 * The messaging service of one workspace: `send` renders and enqueues, a `dispatcher()` delivers
 * through the adapters with consent, contact pressure, retries, failover and fallback, and
 * delivery events come back through webhooks and tracking links onto the person's profile.
 *
 * @example
 * ```ts
 * import { memoryStorage } from '@cx/core';
 * import { createChannels } from '@cx/channels';
 * import { smtpEmail } from '@cx/channels/email';
 *
 * const storage = memoryStorage();
 * const channels = createChannels({
 *   storage,
 *   workspaceId: 'shop',
 *   adapters: [smtpEmail({ smtp: { host: '127.0.0.1', port: 2525 }, from: 'shop@example.com' })],
 *   links: { baseUrl: 'https://cx.example.com', secret: process.env.CX_LINK_SECRET! },
 * });
 * await channels.send({
 *   source: 'api', step: 'welcome', profileId: 'p1', channels: ['email'], category: 'transactional',
 *   templates: { email: { id: 'welcome', channel: 'email', defaultLocale: 'en-US',
 *     variants: { 'en-US': { subject: 'Welcome {{ profile.traits.firstName }}', text: 'Hello!' } } } },
 * });
 * await channels.dispatcher().drain();
 * ```
 *
 * @throws `ConfigError` for bad options (two adapters with one id, an unknown provider id).
 */
export function createChannels(options: ChannelsOptions): Channels {
  try {
    parseOrThrow(optionsSchema, options, 'channels options');
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  const { storage, workspaceId } = options;
  const clock = options.clock ?? systemClock;
  const adapters = new Map<string, ChannelAdapter>();
  for (const adapter of options.adapters) {
    if (adapters.has(adapter.id))
      throw new ConfigError(`channels options: two adapters have the id ${adapter.id}`);
    adapters.set(adapter.id, adapter);
  }
  const routes = new Map<ChannelKind, string[]>();
  for (const adapter of options.adapters)
    routes.set(adapter.channel, [...(routes.get(adapter.channel) ?? []), adapter.id]);
  for (const [channel, ids] of Object.entries(options.providers ?? {}) as [ChannelKind, string[]][]) {
    for (const id of ids) {
      if (adapters.get(id)?.channel !== channel) {
        throw new ConfigError(
          `channels options: providers.${channel} names ${id}, which is not a ${channel} adapter`,
        );
      }
    }
    routes.set(channel, [...ids]);
  }
  const recipientTraits = options.recipientTraits ?? {};
  const topics = [...(options.topics ?? [])];
  const topicMap = new Map(topics.map((topic) => [topic.id, topic]));
  const defaults = {
    locale: options.defaults?.locale ?? 'en-US',
    currency: options.defaults?.currency ?? 'USD',
    timezone: options.defaults?.timezone ?? 'UTC',
  };
  const pressure = createPressurePolicy({
    defaultTimezone: defaults.timezone,
    ...(options.pressure ?? { rules: [] }),
  });
  // Keep five weeks of sends at least, so "this week" and "the last 30 days" can always be answered.
  const horizon = Math.max(ledgerHorizonMs(pressure), 35 * 86_400_000);
  const preferences = createPreferenceStore({ storage, workspaceId, clock, topics: topicMap });
  const devices = createDeviceRegistry({
    storage,
    workspaceId,
    now: () => clock.now(),
    allowInsecureEndpoints: options.allowInsecurePushEndpoints === true,
  });
  const templates = createTemplateStore({ storage, workspaceId });
  const renderer = createTemplateRenderer(defaults);
  const signer = options.links
    ? (options.links.signer ??
      createLinkSigner({
        secret:
          options.links.secret ??
          (() => {
            throw new ConfigError('channels options: links needs a secret or a signer');
          })(),
      }))
    : undefined;
  const links =
    options.links && signer
      ? {
          ...messageLinks({
            baseUrl: options.links.baseUrl,
            signer,
            workspaceId,
            ...(options.links.unsubscribeMailto
              ? { unsubscribeMailto: options.links.unsubscribeMailto }
              : {}),
          }),
          tracking: trackingLinks(options.links.baseUrl, signer, workspaceId),
        }
      : undefined;
  const requireLinks = () => {
    if (!links || !signer) throw new ConfigError('channels: links are not configured');
    return { links, signer };
  };
  const readTracking = (verify: LinkSigner, token: string) => {
    const payload = verify.verify<TrackingPayload>(token);
    if (typeof payload.m !== 'string' || (payload.w !== undefined && payload.w !== workspaceId)) {
      throw new UnauthorizedError('tracking token is not for this workspace');
    }
    return payload;
  };
  const deliveryContext = (source: string) => ({
    storage,
    workspaceId,
    preferences,
    source,
    now: () => clock.now(),
  });

  const handler = dispatchMessage({
    storage,
    workspaceId,
    clock,
    adapters,
    routes,
    preferences,
    topics: topicMap,
    pressure,
    ledgerHorizonMs: horizon,
    devices,
    recipientTraits,
    retry: options.retry ?? {},
    sendTimeoutMs: options.sendTimeoutMs ?? 30_000,
    random: options.random ?? Math.random,
    defaultTimezone: defaults.timezone,
  });

  const enqueueContext: EnqueueContext = {
    storage,
    workspaceId,
    clock,
    templates,
    renderer,
    links,
    defaults,
    recipientTraits,
    knownTopics: new Set(topicMap.keys()),
  };

  return {
    workspaceId,
    routes,
    async send(request) {
      const parsed = parseOrThrow(sendRequestSchema, request, 'send request') as SendRequest;
      return enqueueMessage(enqueueContext, parsed);
    },
    async prepare(request) {
      const parsed = parseOrThrow(sendRequestSchema, request, 'send request') as SendRequest;
      return prepareMessage(enqueueContext, parsed);
    },
    dispatcher(dispatcherOptions = {}) {
      const batchSize = dispatcherOptions.batchSize ?? 20;
      return createWorker({
        storage,
        workspaceId,
        queue: OUTBOX_QUEUE,
        clock,
        batchSize,
        concurrency: dispatcherOptions.concurrency ?? batchSize,
        leaseMs: dispatcherOptions.leaseMs ?? 60_000,
        // The handler retries provider failures itself; the worker's own retries cover storage errors.
        maxAttempts: 20,
        backoff: (attempts) => Math.min(60_000, 500 * 2 ** (attempts - 1)),
        handler,
        ...(dispatcherOptions.owner ? { owner: dispatcherOptions.owner } : {}),
        ...(dispatcherOptions.bus ? { bus: dispatcherOptions.bus } : {}),
        ...(dispatcherOptions.idle ? { idle: dispatcherOptions.idle } : {}),
        ...(dispatcherOptions.onError ? { onError: dispatcherOptions.onError } : {}),
      });
    },
    async message(messageId) {
      const document = await storage.documents.get<MessageRecord>(
        workspaceId,
        MESSAGES_COLLECTION,
        messageId,
      );
      return document?.value ?? null;
    },
    async retry(messageId) {
      const document = await storage.documents.get<MessageRecord>(
        workspaceId,
        MESSAGES_COLLECTION,
        messageId,
      );
      if (!document) throw new NotFoundError(`message ${messageId} does not exist`);
      if (document.value.status !== 'failed') {
        // Anything else has gone out or is still on its way: reviving it could send it twice.
        throw new ConflictError(
          `message ${messageId} is ${document.value.status}; only failed messages are retried`,
        );
      }
      const record = {
        ...document.value,
        status: 'queued' as const,
        route: { channel: 0, provider: 0, attempt: 0 },
      };
      delete (record as Partial<MessageRecord>).decision;
      await storage.commit(workspaceId, {
        documents: [
          {
            collection: MESSAGES_COLLECTION,
            key: messageId,
            value: record,
            expectedVersion: document.version,
          },
        ],
        schedule: [
          { queue: OUTBOX_QUEUE, key: messageId, dueAt: clock.now(), payload: {}, ifExists: 'replace' },
        ],
      });
    },
    outbox: {
      async stats() {
        const all = await storage.work.stats(workspaceId);
        return (
          all.find((each) => each.queue === OUTBOX_QUEUE) ?? {
            queue: OUTBOX_QUEUE,
            scheduled: 0,
            due: 0,
            claimed: 0,
            dead: 0,
            oldestDueAt: null,
          }
        );
      },
      deadLetters: (query) => storage.work.deadLetters(workspaceId, OUTBOX_QUEUE, query ?? {}),
    },
    async contactSummary(profileId, period = 'week') {
      // The ledger is kept under the profile that held the person when each message went.
      const profile = await canonicalProfile(storage.profiles, workspaceId, profileId);
      const ledger = await readLedger(storage, workspaceId, profile?.id ?? profileId);
      const { timezone } = profile ? personSettings(profile, recipientTraits, defaults) : defaults;
      return contactSummary(ledger.entries, { period, now: clock.now(), timezone });
    },
    preferences,
    topics,
    devices,
    templates,
    async preview(input) {
      // The same person, settings and scope as `send` renders with.
      const profile = await canonicalProfile(storage.profiles, workspaceId, input.profileId);
      if (!profile) throw new NotFoundError(`profile ${input.profileId} does not exist`);
      const template =
        typeof input.template === 'string' ? await templates.get(input.template) : input.template;
      if (!template) throw new NotFoundError('no template given');
      const person = personSettings(profile, recipientTraits, defaults);
      const scope = templateScope(profile, {
        event: input.event,
        data: input.data,
        messageId: 'preview',
        links: links?.forMessage({ profileId: profile.id, channel: input.channel, messageId: 'preview' }),
      });
      const rendered = await renderer.render(template, scope, {
        locale: input.locale ?? person.locale,
        timezone: person.timezone,
      });
      return { content: rendered.content, locale: rendered.locale };
    },
    async handleWebhook(adapterId, request) {
      const adapter = adapters.get(adapterId);
      if (!adapter?.parseWebhook) throw new NotFoundError(`no adapter ${adapterId} takes webhooks`);
      const events = await adapter.parseWebhook(request);
      return recordDeliveryEvents(deliveryContext('webhook'), adapterId, events);
    },
    links,
    async unsubscribe(token, source = 'one-click') {
      const { links: builder } = requireLinks();
      const payload = builder.readUnsubscribe(token);
      const change: PreferenceChangeInput =
        payload.t === undefined
          ? { op: 'unsubscribe', channel: payload.c }
          : { op: 'unsubscribe', channel: payload.c, topic: payload.t };
      if (
        payload.m !== undefined &&
        (await storage.documents.get(workspaceId, MESSAGES_COLLECTION, payload.m))
      ) {
        // Recording the event applies the same change, in the same commit.
        await recordDeliveryEvents(deliveryContext(source), undefined, [
          {
            type: 'unsubscribed',
            messageId: payload.m,
            at: new Date(clock.now()).toISOString(),
            providerEventId: 'link',
          },
        ]);
      } else {
        await preferences.change(payload.p, [change], source);
      }
      return {
        profileId: payload.p,
        channel: payload.c,
        ...(payload.t === undefined ? {} : { topic: payload.t }),
      };
    },
    async trackOpen(token) {
      const { signer: verify } = requireLinks();
      const payload = readTracking(verify, token);
      await recordDeliveryEvents(deliveryContext('tracking'), undefined, [
        {
          type: 'opened',
          messageId: payload.m,
          at: new Date(clock.now()).toISOString(),
          providerEventId: 'pixel',
        },
      ]);
    },
    async trackClick(token) {
      const { signer: verify } = requireLinks();
      const payload = readTracking(verify, token);
      if (typeof payload.u !== 'string') throw new NotFoundError('tracking token has no link');
      try {
        await recordDeliveryEvents(deliveryContext('tracking'), undefined, [
          {
            type: 'clicked',
            messageId: payload.m,
            url: payload.u,
            at: new Date(clock.now()).toISOString(),
            providerEventId: `click:${payload.u}`,
          },
        ]);
      } catch (error) {
        // The person clicked a genuine link: they reach it even when the click cannot be recorded.
        (options.onError ?? ((failure: unknown) => console.error('cx channels:', failure)))(error);
      }
      return payload.u;
    },
    async preferencesFor(token) {
      const payload = requireLinks().links.readPreferences(token);
      return { profileId: payload.p, preferences: (await preferences.get(payload.p)).preferences, topics };
    },
    async updatePreferences(token, changes) {
      const payload = requireLinks().links.readPreferences(token);
      return preferences.change(payload.p, changes, 'preference-page');
    },
  };
}
