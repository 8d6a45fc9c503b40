import {
  type Clock,
  ConfigError,
  formatPath,
  parseOrThrow,
  type Storage,
  ValidationError,
  workspaceIdSchema,
} from '@cx/core';
import { z } from 'zod';
import { type OutboundMessage, outboundMessageSchema } from '../../contract/outbound-message';
import type { InboxOptions, InboxStatusFilter } from './inbox-types';

/** The most ids one status change takes: one atomic `putMany` with the counter. */
export const MAX_IDS = 100;

const profileIdSchema = z.string().min(1, 'must not be empty').max(512);
const messageIdSchema = z.string().min(1, 'must not be empty').max(256);
const idsSchema = z
  .array(messageIdSchema)
  .min(1, 'needs at least one id')
  .max(MAX_IDS, `at most ${MAX_IDS} ids per call`);

const listSchema = z
  .strictObject({
    status: z.enum(['unread', 'read', 'archived', 'active', 'all']).default('active'),
    limit: z.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(4096).nullable().optional(),
  })
  .default({ status: 'active', limit: 20 });

const hasDocuments = (value: unknown): value is Storage => {
  const documents = (value as Storage | null)?.documents;
  return (
    typeof documents?.get === 'function' &&
    typeof documents.getMany === 'function' &&
    typeof documents.putMany === 'function' &&
    typeof documents.list === 'function'
  );
};

const optionsSchema = z.strictObject({
  storage: z.custom<Storage>(hasDocuments, 'must be a cx Storage (with a documents port)'),
  workspaceId: workspaceIdSchema,
  clock: z
    .custom<Clock>((value) => typeof (value as Clock | null)?.now === 'function', 'must have a now() method')
    .optional(),
});

/** Checks {@link InboxOptions}; a mistake is a `ConfigError` naming the option. */
export function parseInboxOptions(options: unknown): InboxOptions {
  const result = optionsSchema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new ConfigError(`createInbox options: ${problems.join('; ')}`, { cause: result.error });
}

/** A profile id, or a `ValidationError`. */
export const parseProfileId = (profileId: unknown): string =>
  parseOrThrow(profileIdSchema, profileId, 'profileId');

/** A message id, or a `ValidationError`. */
export const parseMessageId = (id: unknown): string => parseOrThrow(messageIdSchema, id, 'message id');

/** 1 to {@link MAX_IDS} message ids, each once, or a `ValidationError`. */
export const parseIds = (ids: unknown): string[] => [...new Set(parseOrThrow(idsSchema, ids, 'message ids'))];

/** The list options with defaults, or a `ValidationError`. */
export const parseListOptions = (
  options: unknown,
): { status: InboxStatusFilter; limit: number; cursor: string | null } => {
  const parsed = parseOrThrow(listSchema, options ?? {}, 'inbox list options');
  return { status: parsed.status, limit: parsed.limit, cursor: parsed.cursor ?? null };
};

/** A message the inbox can hold: a valid {@link OutboundMessage} with a title or a text. */
export function parseDeliverable(message: unknown): OutboundMessage {
  const parsed = parseOrThrow(outboundMessageSchema, message, 'inbox message') as OutboundMessage;
  parseProfileId(parsed.to.profileId);
  if (!parsed.content.title && !parsed.content.text) {
    throw new ValidationError(
      'Invalid inbox message: content.title: an inbox message needs a title or a text',
      [
        {
          path: 'content.title',
          message: 'an inbox message needs content.title or content.text',
          code: 'custom',
        },
      ],
    );
  }
  return parsed;
}
