import { assertWorkspaceId, normalizeEvent, parseOrThrow, type Storage } from '@cx/core';
import { z } from 'zod';
import type { AssignmentResult } from '../assignment/assign';
import { fnv1a32 } from '../assignment/hash';

/** The Segment `track` event name of an exposure, as GrowthBook's and Segment's integrations name it. */
export const EXPOSURE_EVENT = 'Experiment Viewed';

/** Who saw the variation: at least one of the Segment identifiers. */
export interface ExposureIdentity {
  userId?: string;
  anonymousId?: string;
}

/** Input of {@link exposureEvent} and {@link recordExposure}. */
export interface ExposureInput {
  experimentKey: string;
  result: Pick<AssignmentResult, 'inExperiment' | 'key' | 'variationId' | 'hashAttribute' | 'hashValue'>;
  identity: ExposureIdentity;
  /** When the user saw it; defaults to the receive time. */
  timestamp?: string | Date;
  /** The bucket version the assignment was made under, for re-randomised experiments. */
  bucketVersion?: number;
}

const inputSchema = z.object({
  experimentKey: z.string().min(1),
  result: z.object({
    inExperiment: z.literal(true, { message: 'Only users in the experiment are exposed' }),
    key: z.string(),
    variationId: z.number().int().nonnegative(),
    hashAttribute: z.string(),
    hashValue: z.unknown(),
  }),
  identity: z
    .object({ userId: z.string().min(1).optional(), anonymousId: z.string().min(1).optional() })
    .refine(
      (id) => id.userId !== undefined || id.anonymousId !== undefined,
      'userId or anonymousId is required',
    ),
  bucketVersion: z.number().int().nonnegative().optional(),
});

/**
 * The deterministic `messageId` of an exposure: one per experiment, bucket version and unit, so
 * the event store's idempotent append keeps exactly one exposure per person per experiment,
 * however many times (and on however many servers) the variation is shown. Long keys are
 * shortened with two independent FNV hashes to stay well inside the 1024-character id limit.
 */
export function exposureMessageId(
  experimentKey: string,
  hashAttribute: string,
  hashValue: unknown,
  bucketVersion = 0,
): string {
  const unit = `${hashAttribute}:${typeof hashValue === 'string' ? hashValue : JSON.stringify(hashValue)}`;
  const raw = `xp:${experimentKey}:${bucketVersion}:${unit}`;
  if (raw.length <= 512) return raw;
  return `xp:${fnv1a32(raw).toString(36)}${fnv1a32(`${raw}#`).toString(36)}:${raw.length}`;
}

/**
 * Builds the exposure as a Segment `track` call (`Experiment Viewed`, with `experiment_id` and
 * `variation_id` as in Segment's A/B testing spec), ready for `normalizeEvent`.
 *
 * @throws `ValidationError` when the result is not in the experiment or no identity is given.
 */
export function exposureEvent(input: ExposureInput): Record<string, unknown> {
  parseOrThrow(inputSchema, input, 'exposure');
  const { result } = input;
  return {
    type: 'track',
    event: EXPOSURE_EVENT,
    messageId: exposureMessageId(
      input.experimentKey,
      result.hashAttribute,
      result.hashValue,
      input.bucketVersion,
    ),
    ...(input.identity.userId === undefined ? {} : { userId: input.identity.userId }),
    ...(input.identity.anonymousId === undefined ? {} : { anonymousId: input.identity.anonymousId }),
    ...(input.timestamp === undefined
      ? {}
      : { timestamp: input.timestamp instanceof Date ? input.timestamp.toISOString() : input.timestamp }),
    properties: {
      experiment_id: input.experimentKey,
      variation_id: result.key,
      variation_index: result.variationId,
      hash_attribute: result.hashAttribute,
      hash_value: result.hashValue,
      bucket_version: input.bucketVersion ?? 0,
    },
  };
}

/**
 * Records an exposure in the event store, once per person per experiment: a repeat is a
 * duplicate by `messageId` and is not stored again. Returns whether this call stored it.
 *
 * @example
 * ```ts
 * const result = compiled.assign({ attributes: { id: 'u1' } });
 * if (result.inExperiment) await recordExposure(storage, 'acme', { experimentKey: 'hero', result, identity: { userId: 'u1' } });
 * ```
 */
export async function recordExposure(
  storage: Storage,
  workspaceId: string,
  input: ExposureInput,
  options: { receivedAt?: Date | number } = {},
): Promise<{ recorded: boolean; messageId: string }> {
  assertWorkspaceId(workspaceId);
  const event = normalizeEvent(
    exposureEvent(input),
    options.receivedAt === undefined ? {} : { receivedAt: options.receivedAt },
  );
  const appended = await storage.events.append(workspaceId, [event]);
  return { recorded: appended.inserted.length === 1, messageId: event.messageId };
}
