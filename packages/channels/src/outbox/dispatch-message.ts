import {
  type ClaimedWork,
  type CommitInput,
  type CxEvent,
  canonicalProfile,
  DeadLetter,
  isCxError,
  type ProfileRecord,
  type PutDocumentInput,
} from '@cx/core';
import { checkConsent } from '../consent/check-consent';
import type { ChannelAdapter, SendResult } from '../contract/channel-adapter';
import type { ChannelKind } from '../contract/channel-kind';
import type { OutboundMessage, Recipient } from '../contract/outbound-message';
import { messageEvent } from '../delivery/message-events';
import { providerIndexWrite } from '../delivery/provider-index';
import {
  isDeliveryError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../errors/delivery-errors';
import { ledgerWrite, readLedger } from '../ledger/contact-ledger';
import { resolveRecipient } from '../recipients/resolve-recipient';
import type { DispatchContext } from './dispatch-context';
import {
  FINISHED_STATUSES,
  MESSAGES_COLLECTION,
  type MessageAttempt,
  type MessageRecord,
  OUTBOX_QUEUE,
} from './message-record';
import { retryDelayMs } from './retry-policy';

const HISTORY_LIMIT = 50;

/** How a failed provider call moves a message along its route. */
type FailureMove = 'retry' | 'failover' | 'fallback';

function classify(error: unknown): { move: FailureMove; reason: string; retryAfterMs?: number } {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (error instanceof RecipientUnreachableError || (isDeliveryError(error) && 'reason' in error)) {
    return { move: 'fallback', reason };
  }
  if (isDeliveryError(error)) {
    const wait = (error as { retryAfterMs?: number }).retryAfterMs;
    return error.retryable
      ? { move: 'retry', reason, ...(wait === undefined ? {} : { retryAfterMs: wait }) }
      : { move: 'failover', reason };
  }
  // The adapter refused the message as built for it: another provider may accept it.
  if (isCxError(error, 'VALIDATION')) return { move: 'failover', reason };
  // Anything else (a bug, a socket error an adapter did not wrap) may pass: retry it.
  return { move: 'retry', reason };
}

/**
 * The outbox's work handler: one turn of one message. It re-reads the message and decides afresh
 * (consent and contact pressure may have changed while it waited), reserves the send in the
 * person's ledger in its own commit, calls the provider with the message id as idempotency key,
 * and records the outcome in the commit that completes the item. A crash after the reservation
 * finds the record `sending` and sends again with the same key, which an idempotent provider
 * drops; nothing is counted twice and nothing is lost.
 */
export function dispatchMessage(context: DispatchContext) {
  const { storage, workspaceId, clock } = context;

  return async (item: ClaimedWork): Promise<CommitInput | undefined> => {
    const document = await storage.documents.get<MessageRecord>(workspaceId, MESSAGES_COLLECTION, item.key);
    if (!document) return undefined;
    const record = document.value;
    if (record.status === 'failed') throw new DeadLetter(record.decision?.reason ?? 'failed');
    if (FINISHED_STATUSES.has(record.status)) return undefined;

    const now = clock.now();
    const at = new Date(now).toISOString();
    const profile = await canonicalProfile(storage.profiles, workspaceId, record.profileId);
    const turn = new Turn(context, record, document.version, now, at);
    if (!profile)
      return turn.finish('dropped', { rule: 'profile-deleted', reason: 'the profile no longer exists' });

    const channel = record.chain[record.route.channel] as ChannelKind;
    const devices =
      channel === 'web-push' || channel === 'mobile-push' ? await context.devices.get(profile.id) : undefined;
    const recipient = resolveRecipient(profile, devices?.devices, channel, context.recipientTraits);
    if (!recipient) {
      return turn.fallback(
        profile,
        channel,
        undefined,
        'no-address',
        `the profile has no ${channel} address`,
      );
    }

    if (record.status !== 'sending') {
      const { preferences } = await context.preferences.get(profile.id);
      const consent = checkConsent(preferences, context.topics, {
        channel,
        category: record.category,
        ...(record.topic === undefined ? {} : { topic: record.topic }),
      });
      if (!consent.allowed)
        return turn.fallback(profile, channel, undefined, consent.rule, consent.reason, 'suppressed');

      // Two messages to one person race for the same ledger: the loser reads it again and decides
      // afresh, so a cap is never passed twice and nobody waits for a back-off.
      for (let round = 0; ; round++) {
        const ledger = await readLedger(storage, workspaceId, profile.id);
        const decision = context.pressure.decide(
          ledger.entries.filter((entry) => entry.id !== record.id),
          {
            channel,
            category: record.category,
            ...(record.topic === undefined ? {} : { topic: record.topic }),
            timezone: recipient.timezone ?? context.defaultTimezone,
          },
          now,
        );
        if (decision.action === 'hold')
          return turn.hold(channel, decision.until, decision.rule, decision.reason);
        if (decision.action === 'drop') {
          return turn.finish(
            'dropped',
            { rule: decision.rule, reason: decision.reason },
            { channel, rule: decision.rule },
            profile,
          );
        }
        // Reserve the send before making it: the cap counts it even if we crash mid-send.
        turn.record.status = 'sending';
        const entry = {
          id: record.id,
          channel,
          category: record.category,
          at: now,
          ...(record.topic === undefined ? {} : { topic: record.topic }),
        };
        try {
          await storage.commit(workspaceId, {
            documents: [
              turn.recordWrite(),
              ledgerWrite(profile.id, ledger, { add: entry }, now, context.ledgerHorizonMs),
            ],
          });
          break;
        } catch (error) {
          if (!isCxError(error, 'CONFLICT') || round >= 8) throw error;
        }
      }
      turn.version += 1;
    }

    const adapterId = context.routes.get(channel)?.[record.route.provider];
    const adapter = adapterId === undefined ? undefined : context.adapters.get(adapterId);
    if (!adapter) {
      return turn.fallback(profile, channel, undefined, 'no-provider', `no ${channel} adapter is configured`);
    }
    const message = outboundMessage(record, channel, recipient);
    let result: SendResult;
    try {
      result = await sendWithin(adapter, message, context.sendTimeoutMs);
    } catch (error) {
      return turn.failed(profile, channel, adapter.id, error, devices);
    }
    return turn.sent(profile, channel, adapter.id, result);
  };
}

/**
 * Sends, giving up after `timeoutMs` even when the adapter hangs: a hung provider must not hold a
 * message (and its renewed lease) for ever. A late success is then sent again on retry with the
 * same idempotency key.
 */
async function sendWithin(
  adapter: ChannelAdapter,
  message: OutboundMessage,
  timeoutMs: number,
): Promise<SendResult> {
  // A race with a plain timer, not an AbortController per message: adapters abort their own
  // requests on their own timeouts, and controllers cost more than the rest of a send's bookkeeping.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ProviderUnavailableError({ adapter: adapter.id, message: `no answer within ${timeoutMs} ms` }),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([adapter.send(message), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function outboundMessage(record: MessageRecord, channel: ChannelKind, to: Recipient): OutboundMessage {
  return {
    id: record.id,
    channel,
    category: record.category,
    ...(record.topic === undefined ? {} : { topic: record.topic }),
    to,
    content: record.contents[channel] ?? {},
    ...(record.links === undefined ? {} : { links: record.links }),
    ...(record.push === undefined ? {} : { push: record.push }),
    metadata: { source: record.source, step: record.step },
  };
}

/** One dispatcher turn: the record being changed and the commits that change it. */
class Turn {
  readonly record: MessageRecord;

  constructor(
    private readonly context: DispatchContext,
    original: MessageRecord,
    public version: number,
    private readonly now: number,
    private readonly at: string,
  ) {
    // Every change below replaces a top-level field (history and route included), so a shallow copy keeps the original intact.
    this.record = { ...original };
  }

  recordWrite(): PutDocumentInput<MessageRecord> {
    return {
      collection: MESSAGES_COLLECTION,
      key: this.record.id,
      value: this.record,
      expectedVersion: this.version,
    };
  }

  private note(attempt: Omit<MessageAttempt, 'at'>) {
    this.record.history = [...this.record.history, { at: this.at, ...attempt }].slice(-HISTORY_LIMIT);
  }

  private again(dueAt: number): CommitInput['schedule'] {
    // Completing and re-scheduling the same key in one commit leaves the new item, attempts at 0.
    return [{ queue: OUTBOX_QUEUE, key: this.record.id, dueAt, payload: {}, ifExists: 'replace' }];
  }

  /** The ledger write that takes back a reservation for a send that did not happen. */
  private async release(profileId: string) {
    const ledger = await readLedger(this.context.storage, this.context.workspaceId, profileId);
    if (!ledger.entries.some((entry) => entry.id === this.record.id)) return [];
    return [
      ledgerWrite(profileId, ledger, { remove: this.record.id }, this.now, this.context.ledgerHorizonMs),
    ];
  }

  hold(channel: ChannelKind, until: number, rule: string, reason: string): CommitInput {
    this.record.status = 'held';
    this.record.decision = { rule, reason };
    this.note({ channel, outcome: 'held', rule, reason });
    return { documents: [this.recordWrite()], schedule: this.again(until) };
  }

  async finish(
    status: 'dropped' | 'suppressed',
    decision: { rule: string; reason: string },
    note?: { channel: ChannelKind; rule: string },
    profile?: ProfileRecord,
  ): Promise<CommitInput> {
    this.record.status = status;
    this.record.decision = decision;
    if (note) this.note({ channel: note.channel, outcome: status, rule: note.rule, reason: decision.reason });
    const events: CxEvent[] = profile
      ? [
          messageEvent(profile, this.record, 'suppressed', this.now, {
            channel: note?.channel,
            rule: decision.rule,
            reason: decision.reason,
          }),
        ]
      : [];
    const released = profile ? await this.release(profile.id) : [];
    return { documents: [this.recordWrite(), ...released], events };
  }

  /** Moves to the next channel of the chain, or ends the message when there is none. */
  async fallback(
    profile: ProfileRecord,
    channel: ChannelKind,
    provider: string | undefined,
    rule: string,
    reason: string,
    ending: 'suppressed' | 'failed' = 'failed',
    extra: PutDocumentInput[] = [],
  ): Promise<CommitInput> {
    const released = await this.release(profile.id);
    if (this.record.route.channel + 1 < this.record.chain.length) {
      this.record.route = { channel: this.record.route.channel + 1, provider: 0, attempt: 0 };
      this.record.status = 'queued';
      this.note({
        channel,
        outcome: ending === 'suppressed' ? 'suppressed' : 'fallback',
        rule,
        reason,
        ...(provider ? { provider } : {}),
      });
      return { documents: [this.recordWrite(), ...released, ...extra], schedule: this.again(this.now) };
    }
    if (ending === 'suppressed') {
      this.record.status = 'suppressed';
      this.record.decision = { rule, reason };
      this.note({ channel, outcome: 'suppressed', rule, reason });
      return {
        documents: [this.recordWrite(), ...released, ...extra],
        events: [messageEvent(profile, this.record, 'suppressed', this.now, { channel, rule, reason })],
      };
    }
    this.record.status = 'failed';
    this.record.decision = { rule, reason };
    this.note({ channel, outcome: 'failed', rule, reason, ...(provider ? { provider } : {}) });
    // Record the failure, then dead-letter the item so operators see it in `cx outbox`.
    await this.context.storage.commit(this.context.workspaceId, {
      documents: [this.recordWrite(), ...released, ...extra],
      events: [
        messageEvent(profile, this.record, 'failed', this.now, {
          channel,
          reason,
          ...(provider ? { provider } : {}),
        }),
      ],
    });
    throw new DeadLetter(reason);
  }

  async failed(
    profile: ProfileRecord,
    channel: ChannelKind,
    provider: string,
    error: unknown,
    devices: Awaited<ReturnType<DispatchContext['devices']['get']>> | undefined,
  ): Promise<CommitInput> {
    const { move, reason, retryAfterMs } = classify(error);
    const route = this.record.route;
    const attemptsPerProvider = this.context.retry.attemptsPerProvider ?? 4;
    if (move === 'retry' && route.attempt + 1 < attemptsPerProvider) {
      this.record.route = { ...route, attempt: route.attempt + 1 };
      this.record.status = 'queued';
      this.note({ channel, provider, outcome: 'retry', reason });
      const delay = retryDelayMs(this.context.retry, route.attempt + 1, this.context.random, retryAfterMs);
      // The ledger keeps the reservation: the retry is the same send.
      return { documents: [this.recordWrite()], schedule: this.again(this.now + delay) };
    }
    const providers = this.context.routes.get(channel) ?? [];
    if (move !== 'fallback' && route.provider + 1 < providers.length) {
      this.record.route = { channel: route.channel, provider: route.provider + 1, attempt: 0 };
      this.record.status = 'queued';
      this.note({ channel, provider, outcome: 'failover', reason });
      return { documents: [this.recordWrite()], schedule: this.again(this.now) };
    }
    const extra: PutDocumentInput[] = [];
    if (error instanceof RecipientUnreachableError && error.reason === 'subscription-expired' && devices) {
      const to = this.record.chain[route.channel] === 'web-push' ? devices.devices.webPush.at(-1) : undefined;
      const device =
        this.record.chain[route.channel] === 'mobile-push' ? devices.devices.mobile.at(-1) : undefined;
      extra.push(
        this.context.devices.removal(profile.id, devices, {
          ...(to ? { endpoint: to.subscription.endpoint } : {}),
          ...(device ? { token: device.device.token } : {}),
        }),
      );
    }
    const rule =
      error instanceof RecipientUnreachableError
        ? error.reason
        : move === 'retry'
          ? 'retries-exhausted'
          : 'rejected';
    return this.fallback(profile, channel, provider, rule, reason, 'failed', extra);
  }

  sent(profile: ProfileRecord, channel: ChannelKind, provider: string, result: SendResult): CommitInput {
    this.record.status = result.status === 'delivered' ? 'delivered' : 'sent';
    this.record.provider = provider;
    this.record.providerMessageId = result.providerMessageId;
    this.record.sentOn = channel;
    this.record.sentAt = this.at;
    delete this.record.decision;
    this.note({ channel, provider, outcome: 'sent' });
    const properties = {
      channel,
      provider,
      providerMessageId: result.providerMessageId,
      ...(result.details ?? {}),
    };
    const events = [messageEvent(profile, this.record, 'sent', this.now, properties)];
    if (result.status === 'delivered')
      events.push(messageEvent(profile, this.record, 'delivered', this.now, properties));
    // Only providers that report back by webhook need their ids mapped to ours.
    const index = this.context.adapters.get(provider)?.parseWebhook
      ? [providerIndexWrite(provider, result.providerMessageId, this.record.id)]
      : [];
    return { documents: [this.recordWrite(), ...index], events };
  }
}
