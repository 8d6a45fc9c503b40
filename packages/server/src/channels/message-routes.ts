import type { MessageRecord } from '@cx/channels';
import {
  ConflictError,
  NotFoundError,
  type Page,
  parseOrThrow,
  type QueueStats,
  type WorkItem,
} from '@cx/core';
import { z } from 'zod';
import type { CollectorResponse } from '../http/collector-http';
import { jsonResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';
import { channelsOf } from './channels-service';

/** The body of `GET /v1/channels/outbox`. */
export interface OutboxBody {
  /** Counts of the outbox queue: scheduled, due, claimed, dead. */
  stats: QueueStats;
  /** Failed messages (dead letters) with their last error, oldest due first. */
  deadLetters: Page<WorkItem>;
}

/** The body of `POST /v1/channels/outbox/<messageId>/retry`. */
export interface RetriedBody {
  retried: true;
  /** The message as it stands now: queued again from the start of its chain. */
  message: MessageRecord;
}

const pageQuerySchema = z.object({
  limit: z.coerce.number().int().positive().max(1000).optional(),
  cursor: z.string().min(1).max(2048).optional(),
});

/** `GET /v1/channels/messages/<messageId>`: a message's record (status, route, history, decision). */
export async function messageRoute(
  options: ResolvedOptions,
  workspaceId: string,
  messageId: string,
): Promise<CollectorResponse> {
  const record = await (await channelsOf(options, workspaceId)).message(messageId);
  if (record === null) throw noMessage(messageId);
  return jsonResponse(200, record);
}

/** `GET /v1/channels/outbox?limit=&cursor=`: the outbox's counts and a page of its dead letters. */
export async function outboxRoute(
  options: ResolvedOptions,
  workspaceId: string,
  query: URLSearchParams,
): Promise<CollectorResponse> {
  const page = parseOrThrow(pageQuerySchema, Object.fromEntries(query), 'outbox query');
  const service = await channelsOf(options, workspaceId);
  const [stats, deadLetters] = await Promise.all([service.outbox.stats(), service.outbox.deadLetters(page)]);
  return jsonResponse(200, { stats, deadLetters } satisfies OutboxBody);
}

/**
 * `POST /v1/channels/outbox/<messageId>/retry`: sends a failed message again from the start of
 * its chain. Only a `failed` message: retrying one that went out would send it twice, so any
 * other status is `409`.
 */
export async function retryRoute(
  options: ResolvedOptions,
  workspaceId: string,
  messageId: string,
): Promise<CollectorResponse> {
  const service = await channelsOf(options, workspaceId);
  const record = await service.message(messageId);
  if (record === null) throw noMessage(messageId);
  if (record.status !== 'failed') {
    throw new ConflictError(`Message ${messageId} is ${record.status}, not failed; nothing to retry`);
  }
  await service.retry(messageId);
  const message = (await service.message(messageId)) ?? record;
  return jsonResponse(200, { retried: true, message } satisfies RetriedBody);
}

const noMessage = (messageId: string) => new NotFoundError(`No message ${messageId} in this workspace`);
