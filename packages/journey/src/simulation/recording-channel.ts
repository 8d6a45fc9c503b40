import type { ChannelAdapter, ChannelKind, SendResult } from '@cx/channels';
import type { Clock } from '@cx/core';

/** One message a recording adapter took. */
export interface RecordedSend {
  messageId: string;
  channel: ChannelKind;
  profileId: string;
  /** Simulated time of the send, in epoch milliseconds. */
  at: number;
}

/** A channel adapter that records what it is handed instead of calling a provider. */
export interface RecordingChannel extends ChannelAdapter {
  /** Every message taken, in send order. */
  readonly sent: readonly RecordedSend[];
}

/**
 * The simulation's provider for one channel: it accepts every message (status `sent`, the
 * message id as the provider id) and records it. It is a real adapter that the production
 * dispatcher calls after consent, contact pressure and recipient resolution have decided, so what
 * it records is what would have reached a provider. It never fails, never reports deliveries,
 * opens or clicks, and does not validate content the way each provider's adapter does.
 *
 * @example
 * ```ts
 * const email = recordingChannel('email', clock);
 * const channels = createChannels({ storage, workspaceId: 'sim', clock, adapters: [email] });
 * // … after a dispatcher drain:
 * email.sent.length; // messages that would have gone to the email provider
 * ```
 */
export function recordingChannel(channel: ChannelKind, clock: Clock): RecordingChannel {
  const sent: RecordedSend[] = [];
  const seen = new Set<string>();
  return {
    id: `simulated-${channel}`,
    channel,
    // The dispatcher may repeat a send after a crash; the record keeps one copy per message id.
    idempotent: true,
    sent,
    async send(message): Promise<SendResult> {
      if (!seen.has(message.id)) {
        seen.add(message.id);
        sent.push({ messageId: message.id, channel, profileId: message.to.profileId, at: clock.now() });
      }
      return { providerMessageId: message.id, status: 'sent' };
    },
  };
}
