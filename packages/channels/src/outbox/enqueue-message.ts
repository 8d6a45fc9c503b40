import {
  type Clock,
  type CommitInput,
  canonicalProfile,
  isCxError,
  NotFoundError,
  type ProfileRecord,
  type Storage,
  ValidationError,
} from '@cx/core';
import type { ChannelKind } from '../contract/channel-kind';
import type { MessageContent, MessageLinks } from '../contract/outbound-message';
import type { MessageLinkBuilder } from '../links/message-links';
import { personSettings, type RecipientTraits } from '../recipients/resolve-recipient';
import type { TemplateDefinition, TemplateRenderer, TemplateScope, TemplateStore } from '../templates';
import { messageIdFor } from './message-id';
import { MESSAGES_COLLECTION, type MessageRecord, type MessageStatus, OUTBOX_QUEUE } from './message-record';
import type { SendRequest } from './send-request';

/** What {@link Channels.send} did. */
export interface SendReceipt {
  /** The message's deterministic id. */
  messageId: string;
  /** Where it stands now. */
  status: MessageStatus;
  /** True when this source, step and profile had already enqueued it: nothing new was queued. */
  duplicate: boolean;
}

/**
 * A message rendered and ready to enqueue, for a caller that stores it in its own commit (a
 * journey step commits its state and its messages together): either already enqueued before
 * (`duplicate`), or the record and outbox item to commit, which store nothing until committed.
 */
export type PreparedSend =
  | { messageId: string; duplicate: true; status: MessageStatus }
  | { messageId: string; duplicate: false; commit: Required<Pick<CommitInput, 'documents' | 'schedule'>> };

/** What enqueueing needs. */
export interface EnqueueContext {
  storage: Storage;
  workspaceId: string;
  clock: Clock;
  templates: TemplateStore;
  renderer: TemplateRenderer;
  links: MessageLinkBuilder | undefined;
  /** The locale and time zone of people whose profile has none. */
  defaults: { locale: string; timezone: string };
  /** Where on a profile the locale and time zone are read. */
  recipientTraits: RecipientTraits;
  knownTopics: ReadonlySet<string>;
}

/**
 * What a template sees for one message to one person: their profile and traits, the triggering
 * event, custom data, and the message's id and links. `channels.preview` renders with the same.
 */
export function templateScope(
  profile: Pick<ProfileRecord, 'id' | 'traits'>,
  message: {
    event?: Record<string, unknown> | undefined;
    data?: Record<string, unknown> | undefined;
    messageId: string;
    links?: MessageLinks | undefined;
  },
): TemplateScope {
  return {
    profile: { id: profile.id, traits: profile.traits },
    ...(message.event === undefined ? {} : { event: message.event }),
    data: message.data ?? {},
    message: { id: message.messageId, links: message.links ?? {} },
  };
}

/**
 * Renders the message for every channel of its chain, then stores it and schedules it in one
 * commit. Rendering first means a missing variable is a `TemplateRenderError` here, before
 * anything is stored or sent; the deterministic id means a second enqueue of the same source,
 * step and profile returns the first.
 */
export async function enqueueMessage(context: EnqueueContext, request: SendRequest): Promise<SendReceipt> {
  const { storage, workspaceId } = context;
  const prepared = await prepareMessage(context, request);
  if (prepared.duplicate) return prepared;
  const { messageId } = prepared;
  try {
    await storage.commit(workspaceId, prepared.commit);
  } catch (error) {
    // Another caller enqueued the same message between our read and our commit.
    if (!isCxError(error, 'CONFLICT')) throw error;
    const winner = await storage.documents.get<MessageRecord>(workspaceId, MESSAGES_COLLECTION, messageId);
    return { messageId, status: winner?.value.status ?? 'queued', duplicate: true };
  }
  return { messageId, status: 'queued', duplicate: false };
}

/**
 * Renders a message as {@link enqueueMessage} does and returns what would store it (its record,
 * expected new, and its outbox item) instead of committing it. A `CONFLICT` of the caller's
 * commit on the record means the same message was enqueued meanwhile.
 */
export async function prepareMessage(context: EnqueueContext, request: SendRequest): Promise<PreparedSend> {
  const { storage, workspaceId, clock } = context;
  const messageId = messageIdFor(request);
  const existing = await storage.documents.get<MessageRecord>(workspaceId, MESSAGES_COLLECTION, messageId);
  if (existing) return { messageId, status: existing.value.status, duplicate: true };

  const category = request.category ?? 'marketing';
  if (
    request.topic !== undefined &&
    context.knownTopics.size > 0 &&
    !context.knownTopics.has(request.topic)
  ) {
    throw new ValidationError(`send request: topic: unknown topic ${request.topic}`, [
      { path: 'topic', message: `unknown topic ${request.topic}`, code: 'custom' },
    ]);
  }
  if (category === 'marketing' && request.channels.includes('email') && !context.links) {
    throw new ValidationError(
      'send request: marketing email needs a one-click unsubscribe link: configure `links` in createChannels',
      [{ path: 'category', message: 'marketing email without unsubscribe links', code: 'custom' }],
    );
  }
  const profile = await canonicalProfile(storage.profiles, workspaceId, request.profileId);
  if (!profile) throw new NotFoundError(`profile ${request.profileId} does not exist`);
  const person = personSettings(profile, context.recipientTraits, context.defaults);
  const locale = request.locale ?? person.locale;
  const timezone = person.timezone;
  const now = clock.now();

  const contents: Partial<Record<ChannelKind, MessageContent>> = {};
  // The links of the first channel are the ones the message carries; unsubscribing through them
  // leaves that channel (or the topic on it).
  const links = context.links?.forMessage({
    profileId: profile.id,
    channel: request.channels[0] as ChannelKind,
    messageId,
    ...(request.topic === undefined ? {} : { topic: request.topic }),
  });
  for (const channel of request.channels) {
    const given = request.templates[channel] as string | TemplateDefinition;
    const template = typeof given === 'string' ? await context.templates.get(given) : given;
    const rendered = await context.renderer.render(
      template,
      templateScope(profile, { event: request.event, data: request.data, messageId, links }),
      { locale, timezone },
    );
    contents[channel] = rendered.content;
  }

  const record: MessageRecord = {
    id: messageId,
    source: request.source,
    step: request.step,
    profileId: profile.id,
    category,
    ...(request.topic === undefined ? {} : { topic: request.topic }),
    chain: request.channels,
    contents,
    ...(links === undefined ? {} : { links }),
    ...(request.push === undefined ? {} : { push: request.push }),
    locale,
    timezone,
    status: 'queued',
    route: { channel: 0, provider: 0, attempt: 0 },
    history: [],
    createdAt: new Date(now).toISOString(),
  };
  return {
    messageId,
    duplicate: false,
    commit: {
      documents: [{ collection: MESSAGES_COLLECTION, key: messageId, value: record, expectedVersion: 0 }],
      schedule: [{ queue: OUTBOX_QUEUE, key: messageId, dueAt: request.sendAt ?? now, payload: {} }],
    },
  };
}
