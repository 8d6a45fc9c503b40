import { isCxError } from '@cx/core';
import { CHANNEL_KINDS, type ChannelKind } from '../contract/channel-kind';
import { DELIVERY_EVENT_TYPES } from '../contract/delivery-event';
import type { OutboundMessage } from '../contract/outbound-message';
import {
  isDeliveryError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../errors/delivery-errors';
import type { ChannelHarness } from './channel-harness';

/** One channel conformance check: plain async code that throws when the adapter breaks the contract. */
export interface ChannelCheck {
  /** What the contract promises, in words; used as the test name. */
  name: string;
  /** Runs only when the harness or adapter has this (`unreachable`, `webhook`, `idempotent`, `verify`). */
  requires?: 'unreachable' | 'webhook' | 'idempotent' | 'verify';
  run(harness: ChannelHarness, id: (label: string) => string): Promise<void>;
}

function fail(message: string): never {
  throw new Error(`channel conformance: ${message}`);
}

async function expectRejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return fail(`${what}: expected an error, the send succeeded`);
}

const count = (ids: string[], id: string) => ids.filter((each) => each === id).length;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Every check of the channel conformance suite. */
export const channelChecks: readonly ChannelCheck[] = [
  {
    name: 'names itself and its channel',
    async run({ adapter }) {
      if (typeof adapter.id !== 'string' || adapter.id.length === 0)
        fail('adapter.id must be a non-empty string');
      if (!CHANNEL_KINDS.includes(adapter.channel as ChannelKind))
        fail(`unknown channel ${String(adapter.channel)}`);
    },
  },
  {
    name: "delivers a valid message once and returns the provider's id",
    async run(harness, id) {
      const message = harness.message(id('ok'));
      const result = await harness.adapter.send(message);
      if (typeof result.providerMessageId !== 'string' || result.providerMessageId.length === 0) {
        fail('send must return a non-empty providerMessageId');
      }
      if (!['sent', 'queued', 'delivered'].includes(result.status)) fail(`bad status ${result.status}`);
      const delivered = await harness.delivered();
      if (count(delivered, message.id) !== 1) {
        fail(`the provider should have counted ${message.id} once, counted ${count(delivered, message.id)}`);
      }
    },
  },
  {
    name: 'leaves the message it was given unchanged',
    async run(harness, id) {
      const message = deepFreeze(harness.message(id('frozen')));
      const before = JSON.stringify(message);
      await harness.adapter.send(message);
      if (JSON.stringify(message) !== before) fail('send changed its input');
    },
  },
  {
    name: 'refuses a message without the content its channel needs, before calling the provider',
    async run(harness, id) {
      const message = { ...harness.message(id('empty')), content: {} };
      const error = await expectRejection(harness.adapter.send(message), 'empty content');
      if (!isCxError(error, 'VALIDATION')) fail(`expected a VALIDATION error, got ${String(error)}`);
      if (count(await harness.delivered(), message.id) !== 0) fail('an invalid message reached the provider');
    },
  },
  {
    name: 'refuses a message for another channel',
    async run(harness, id) {
      const message = harness.message(id('wrong-channel'));
      const other = CHANNEL_KINDS.find((kind) => kind !== harness.adapter.channel) as ChannelKind;
      const error = await expectRejection(
        harness.adapter.send({ ...message, channel: other } as OutboundMessage),
        'wrong channel',
      );
      if (!isCxError(error, 'VALIDATION')) fail(`expected a VALIDATION error, got ${String(error)}`);
    },
  },
  {
    name: 'reports a provider outage as retryable (ProviderUnavailableError), and recovers after it',
    async run(harness, id) {
      const message = harness.message(id('outage'));
      harness.failNext('unavailable');
      const error = await expectRejection(harness.adapter.send(message), 'provider outage');
      if (!(error instanceof ProviderUnavailableError) || !isDeliveryError(error) || !error.retryable) {
        fail(`expected a retryable ProviderUnavailableError, got ${String(error)}`);
      }
      if (count(await harness.delivered(), message.id) !== 0) fail('a failed send was counted as delivered');
      await harness.adapter.send(message);
      if (count(await harness.delivered(), message.id) !== 1) fail('the retried send was not delivered once');
    },
  },
  {
    name: 'reports a refusal as not retryable (ProviderRejectedError)',
    async run(harness, id) {
      harness.failNext('rejected');
      const error = await expectRejection(harness.adapter.send(harness.message(id('refused'))), 'refusal');
      if (!(error instanceof ProviderRejectedError) || error.retryable) {
        fail(`expected a ProviderRejectedError, got ${String(error)}`);
      }
    },
  },
  {
    name: 'reports an unreachable recipient as RecipientUnreachableError, so the fallback channel takes over',
    requires: 'unreachable',
    async run(harness, id) {
      const message = harness.unreachable?.(id('unreachable')) as OutboundMessage;
      const error = await expectRejection(harness.adapter.send(message), 'unreachable recipient');
      if (!(error instanceof RecipientUnreachableError) || error.retryable) {
        fail(`expected a RecipientUnreachableError, got ${String(error)}`);
      }
    },
  },
  {
    name: 'sends message.id as the idempotency key: a repeated send is delivered once',
    requires: 'idempotent',
    async run(harness, id) {
      const message = harness.message(id('twice'));
      await harness.adapter.send(message);
      await harness.adapter.send(message);
      const times = count(await harness.delivered(), message.id);
      if (times !== 1) fail(`the provider counted a repeated idempotency key ${times} times`);
    },
  },
  {
    name: 'believes a signed webhook and normalises its events',
    requires: 'webhook',
    async run(harness, id) {
      const sent = await harness.adapter.send(harness.message(id('hooked')));
      const request = await harness.webhook?.valid(sent.providerMessageId);
      const events = await harness.adapter.parseWebhook?.(request as never);
      if (!events || events.length === 0) fail('a valid webhook gave no events');
      for (const event of events) {
        if (!DELIVERY_EVENT_TYPES.includes(event.type)) fail(`unknown delivery event type ${event.type}`);
        if (Number.isNaN(Date.parse(event.at))) fail(`event.at is not a time: ${event.at}`);
        if (event.providerMessageId !== sent.providerMessageId && event.messageId === undefined) {
          fail('an event must name the message (providerMessageId or messageId)');
        }
      }
    },
  },
  {
    name: 'refuses a forged webhook with WebhookSignatureError',
    requires: 'webhook',
    async run(harness, id) {
      const sent = await harness.adapter.send(harness.message(id('forged')));
      const request = await harness.webhook?.forged(sent.providerMessageId);
      const error = await expectRejection(
        Promise.resolve().then(() => harness.adapter.parseWebhook?.(request as never)),
        'forged webhook',
      );
      if (!isCxError(error, 'UNAUTHORIZED')) fail(`expected an UNAUTHORIZED error, got ${String(error)}`);
    },
  },
  {
    name: 'verifies its credentials and connection',
    requires: 'verify',
    async run({ adapter }) {
      await adapter.verify?.();
    },
  },
];
