import { type CxEvent, isCxError, type ProfileRecord, type PutDocumentInput, type Storage } from '@cx/core';
import type { PreferenceChangeInput } from '../consent/preference-change';
import type { PreferenceStore } from '../consent/preference-store';
import type { DeliveryEvent, DeliveryEventType } from '../contract/delivery-event';
import { MESSAGES_COLLECTION, type MessageRecord, type MessageStatus } from '../outbox/message-record';
import { messageEvent } from './message-events';
import { PROVIDER_INDEX_COLLECTION, providerIndexKey } from './provider-index';

/** What {@link recordDeliveryEvents} did with each event. */
export interface RecordedDeliveries {
  /** Events matched to a message and written on its profile. */
  recorded: number;
  /** Events naming a message cx does not know (another system's, or one already erased). */
  unknown: number;
}

/** Later statuses win: a late `delivered` does not undo an `opened`. */
const RANK: Partial<Record<MessageStatus, number>> = { sent: 1, delivered: 2, opened: 3, clicked: 4 };
const STATUS_OF: Partial<Record<DeliveryEventType, MessageStatus>> = {
  delivered: 'delivered',
  opened: 'opened',
  clicked: 'clicked',
};

/** The consent change a delivery event implies for the person. */
function consentChange(event: DeliveryEvent, record: MessageRecord): PreferenceChangeInput | undefined {
  const channel = record.sentOn ?? record.chain[record.route.channel];
  if (!channel) return undefined;
  switch (event.type) {
    case 'bounced':
      // A soft bounce (a full mailbox) passes; a hard one means the address does not exist.
      return event.bounce === 'hard' ? { op: 'suppress', channel, reason: 'hard-bounce' } : undefined;
    case 'complained':
      return { op: 'unsubscribe', channel };
    case 'unsubscribed':
      return record.topic === undefined
        ? { op: 'unsubscribe', channel }
        : { op: 'unsubscribe', channel, topic: record.topic };
    default:
      return undefined;
  }
}

/**
 * Records delivery events (from a verified webhook, a tracking link, an unsubscribe) on the
 * profiles of their messages: a `Message …` track event each, the message's status moved on, and
 * the consent it implies (a hard bounce suppresses the channel; a complaint or an unsubscribe
 * leaves its marketing), all in one commit per event. Event ids are derived from the provider's
 * event id, so a webhook delivered twice is recorded once.
 */
export async function recordDeliveryEvents(
  context: {
    storage: Storage;
    workspaceId: string;
    preferences: PreferenceStore;
    source: string;
    now: () => number;
  },
  adapterId: string | undefined,
  events: readonly DeliveryEvent[],
): Promise<RecordedDeliveries> {
  const { storage, workspaceId } = context;
  const outcome: RecordedDeliveries = { recorded: 0, unknown: 0 };
  for (const event of events) {
    let messageId = event.messageId;
    if (messageId === undefined && event.providerMessageId !== undefined && adapterId !== undefined) {
      const index = await storage.documents.get<{ messageId: string }>(
        workspaceId,
        PROVIDER_INDEX_COLLECTION,
        providerIndexKey(adapterId, event.providerMessageId),
      );
      messageId = index?.value.messageId;
    }
    if (messageId === undefined) {
      outcome.unknown += 1;
      continue;
    }
    for (let attempt = 0; ; attempt++) {
      const document = await storage.documents.get<MessageRecord>(
        workspaceId,
        MESSAGES_COLLECTION,
        messageId,
      );
      const profile: ProfileRecord | null = document
        ? await storage.profiles.get(workspaceId, document.value.profileId)
        : null;
      if (!document || !profile) {
        outcome.unknown += 1;
        break;
      }
      const record = structuredClone(document.value);
      const at = Date.parse(event.at);
      const next = STATUS_OF[event.type];
      if (next && (RANK[next] ?? 0) > (RANK[record.status] ?? 0)) record.status = next;
      const writes: PutDocumentInput[] = [
        { collection: MESSAGES_COLLECTION, key: record.id, value: record, expectedVersion: document.version },
      ];
      const change = consentChange(event, record);
      if (change) {
        const current = await context.preferences.get(profile.id);
        writes.push(context.preferences.write(profile.id, current, [change], context.source));
      }
      const properties: Record<string, unknown> = {
        channel: record.sentOn ?? event.channel,
        ...(record.provider === undefined ? {} : { provider: record.provider }),
        ...(record.providerMessageId === undefined ? {} : { providerMessageId: record.providerMessageId }),
        ...(event.url === undefined ? {} : { url: event.url }),
        ...(event.bounce === undefined ? {} : { bounce: event.bounce }),
        ...(event.reason === undefined ? {} : { reason: event.reason }),
      };
      const dedupe = event.providerEventId ?? `${event.at}\u0000${event.url ?? ''}`;
      const cxEvent: CxEvent = messageEvent(
        profile,
        record,
        event.type,
        Number.isNaN(at) ? context.now() : at,
        properties,
        dedupe,
      );
      try {
        await storage.commit(workspaceId, { documents: writes, events: [cxEvent] });
        outcome.recorded += 1;
        break;
      } catch (error) {
        // The dispatcher or another webhook moved the record: read it again.
        if (!isCxError(error, 'CONFLICT') || attempt >= 4) throw error;
      }
    }
  }
  return outcome;
}
