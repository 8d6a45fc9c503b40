import {
  type CxEvent,
  parseOrThrow,
  type Storage,
  ValidationError,
  type ValidationIssue,
  validationErrorFromZod,
} from '@cx/core';
import { z } from 'zod';
import { scanEvents } from '../events/read-events';

/** The `track` event name that carries a survey answer. */
export const SURVEY_EVENT = 'Survey Responded';

/**
 * The convention for survey answers: a `track` event named `Survey Responded` whose properties
 * hold the survey, the question, the numeric score and where it was asked. Any other properties
 * (product, department, order id…) are kept and can be used as breakdown dimensions.
 *
 * @example
 * ```ts
 * analytics.track({ userId: 'u1', event: 'Survey Responded', properties: {
 *   survey: 'post-support', question: 'nps', score: 9, touchpoint: 'support-chat', channel: 'web',
 *   comment: 'Quick and friendly' } });
 * ```
 */
export const surveyPropertiesSchema = z.looseObject({
  survey: z.string().min(1).max(256),
  question: z.string().min(1).max(256),
  score: z.number().finite(),
  touchpoint: z.string().max(256).optional(),
  channel: z.string().max(256).optional(),
  comment: z.string().max(10_000).optional(),
});

/** One survey answer, read from its event. */
export interface SurveyResponse {
  messageId: string;
  /** Epoch milliseconds. */
  timestamp: number;
  /** The profile the event was attributed to, if any. */
  profileId: string | null;
  userId: string | null;
  survey: string;
  question: string;
  score: number;
  touchpoint: string | null;
  channel: string | null;
  comment: string | null;
  /** Every property of the event (for breakdowns by product, department…). */
  properties: Record<string, unknown>;
  /** The event's context (for geography: `location.country`). */
  context: Record<string, unknown>;
}

/**
 * Reads a survey answer from an event; throws a `ValidationError` when the event is not a
 * `Survey Responded` track event or its properties break the convention.
 */
export function surveyResponseFromEvent(event: CxEvent): SurveyResponse {
  if (event.type !== 'track' || event.event !== SURVEY_EVENT) {
    throw new ValidationError(`Invalid survey response: expected a track event named "${SURVEY_EVENT}"`, [
      { path: 'event', message: `Expected "${SURVEY_EVENT}"`, code: 'not_a_survey_response' },
    ]);
  }
  const properties = parseOrThrow(
    surveyPropertiesSchema,
    event.properties ?? {},
    'survey response properties',
  );
  return {
    messageId: event.messageId,
    timestamp: Date.parse(event.timestamp),
    profileId: event.profileId ?? null,
    userId: event.userId ?? null,
    survey: properties.survey,
    question: properties.question,
    score: properties.score,
    touchpoint: properties.touchpoint ?? null,
    channel: properties.channel ?? null,
    comment: properties.comment ?? null,
    properties: event.properties ?? {},
    context: (event.context ?? {}) as Record<string, unknown>,
  };
}

/** Which answers to read. */
export const surveyQuerySchema = z.object({
  survey: z.string().min(1).optional(),
  question: z.string().min(1).optional(),
  /** Inclusive lower bound, ISO or epoch ms. */
  from: z.union([z.iso.datetime(), z.number()]).optional(),
  /** Exclusive upper bound, ISO or epoch ms. */
  to: z.union([z.iso.datetime(), z.number()]).optional(),
});
/** See {@link surveyQuerySchema}. */
export type SurveyQuery = z.input<typeof surveyQuerySchema>;

/** A `Survey Responded` event that broke the convention. */
export interface InvalidResponse {
  messageId: string;
  issues: readonly ValidationIssue[];
}

/**
 * Reads the survey answers of a workspace through `storage.events.scan`. Answers that break the
 * convention are returned in `invalid` (never silently dropped, never fatal).
 *
 * @example
 * ```ts
 * const { responses } = await readSurveyResponses(storage, 'acme', { question: 'nps' });
 * const result = nps(responses.map((r) => r.score));
 * ```
 */
export async function readSurveyResponses(
  storage: Storage,
  workspaceId: string,
  query: SurveyQuery = {},
): Promise<{ responses: SurveyResponse[]; invalid: InvalidResponse[] }> {
  const q = parseOrThrow(surveyQuerySchema, query, 'survey query');
  const from = q.from === undefined ? Number.NEGATIVE_INFINITY : toMs(q.from);
  const to = q.to === undefined ? Number.POSITIVE_INFINITY : toMs(q.to);
  const responses: SurveyResponse[] = [];
  const invalid: InvalidResponse[] = [];
  for await (const event of scanEvents(storage, workspaceId, {
    types: ['track'],
    ...(Number.isFinite(from) ? { from } : {}),
    ...(Number.isFinite(to) ? { to } : {}),
  })) {
    if (event.type !== 'track' || event.event !== SURVEY_EVENT) continue;
    const ts = Date.parse(event.timestamp);
    if (ts < from || ts >= to) continue;
    const parsed = surveyPropertiesSchema.safeParse(event.properties ?? {});
    if (!parsed.success) {
      invalid.push({
        messageId: event.messageId,
        issues: validationErrorFromZod(parsed.error, 'survey response').issues,
      });
      continue;
    }
    if (q.survey !== undefined && parsed.data.survey !== q.survey) continue;
    if (q.question !== undefined && parsed.data.question !== q.question) continue;
    responses.push(surveyResponseFromEvent(event));
  }
  return { responses, invalid };
}

const toMs = (value: string | number) => (typeof value === 'number' ? value : Date.parse(value));
