import { isCxError } from '@cx/core';
import type { ChannelAdapter, SendResult } from '../../contract/channel-adapter';
import type { OutboundMessage } from '../../contract/outbound-message';
import { ProviderRejectedError, ProviderUnavailableError } from '../../errors/delivery-errors';
import { validateMessage } from '../shared/validate-message';
import type { Inbox } from './inbox-types';

/** Options of {@link inAppChannel}. */
export interface InAppChannelOptions {
  /** The inbox messages go into (`createInbox`). */
  inbox: Inbox;
  /** Unique among the adapters of a setup; default `in-app`. */
  id?: string;
}

/**
 * The storage's failure as a delivery error: a storage that is down or busy (`ADAPTER`, or a
 * `CONFLICT` that outlasted the retries) can take the message later, so it is retryable; one that
 * refuses the document (`VALIDATION`, `LIMIT`: too large, a key too long) will refuse it again.
 */
function deliveryError(adapter: string, error: unknown): unknown {
  if (isCxError(error, 'ADAPTER') || isCxError(error, 'CONFLICT')) {
    return new ProviderUnavailableError({
      adapter,
      message: `the inbox storage failed: ${error.message}`,
      cause: error,
    });
  }
  if (isCxError(error, 'VALIDATION') || isCxError(error, 'LIMIT')) {
    return new ProviderRejectedError({
      adapter,
      message: `the inbox storage refused the message: ${error.message}`,
      cause: error,
    });
  }
  return error;
}

/**
 * The in-app channel: delivers messages into the onsite inbox of their recipient
 * (`to.profileId`), unread, where the person's browser or app lists them. A message needs
 * `content.title` or `content.text`. The result is `delivered` (the message is in the inbox) with
 * `message.id` as the provider id; a repeated send of the same id is a no-op (`idempotent`).
 *
 * @example
 * ```ts
 * import { memoryStorage } from '@cx/core';
 * import { createInbox, inAppChannel } from '@cx/channels/in-app';
 *
 * const inbox = createInbox({ storage: memoryStorage(), workspaceId: 'acme' });
 * const inApp = inAppChannel({ inbox });
 * await inApp.send({
 *   id: 'order-42-shipped',
 *   channel: 'in-app',
 *   category: 'transactional',
 *   to: { profileId: 'p1' },
 *   content: { title: 'Your order shipped', url: 'https://shop.example.com/orders/42' },
 * }); // { providerMessageId: 'order-42-shipped', status: 'delivered' }
 * ```
 */
export function inAppChannel(options: InAppChannelOptions): ChannelAdapter {
  const adapter = options.id ?? 'in-app';
  const inbox = options.inbox;
  return {
    id: adapter,
    channel: 'in-app',
    idempotent: true,
    async send(input: OutboundMessage): Promise<SendResult> {
      const message = validateMessage(adapter, 'in-app', input, ['content.title|content.text']);
      try {
        await inbox.deliver(message);
      } catch (error) {
        throw deliveryError(adapter, error);
      }
      return { providerMessageId: message.id, status: 'delivered' };
    },
  };
}
