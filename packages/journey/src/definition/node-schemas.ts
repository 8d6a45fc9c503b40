import { CHANNEL_KINDS, channelKindSchema, templateDefinitionSchema } from '@cx/channels';
import { conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';
import { journeyConditionSchema } from './condition-schemas';
import { positiveDurationSchema, traitOffsetSchema } from './duration';
import {
  experimentKeySchema,
  journeyIdSchema,
  keyNameSchema,
  segmentIdSchema,
  templateIdSchema,
} from './journey-ids';
import type { BranchTest, JourneyNode, MessageNode } from './journey-types';
import { timeOfDaySchema, weekdaysSchema } from './time-of-day';

/*
 * One strict schema per node type. These check what a node says on its own; whether its targets
 * exist, whether it can reach an exit and whether its templates fit the entry are graph and
 * template checks (validate-journey.ts), which need the whole definition.
 */

/** A node id a transition points at. */
const target = journeyIdSchema;

const nonEmpty = (record: object) => Object.keys(record).length > 0;

const waitNodeSchema = z.strictObject({
  type: z.literal('wait'),
  id: journeyIdSchema,
  for: positiveDurationSchema,
  next: target,
});

const waitUntilTimeNodeSchema = z.strictObject({
  type: z.literal('wait-until-time'),
  id: journeyIdSchema,
  at: timeOfDaySchema,
  weekdays: weekdaysSchema.optional(),
  next: target,
});

const waitUntilTraitNodeSchema = z.strictObject({
  type: z.literal('wait-until-trait'),
  id: journeyIdSchema,
  trait: keyNameSchema,
  offset: traitOffsetSchema.optional(),
  next: target,
  onMissing: target.optional(),
});

const waitForNodeSchema = z.strictObject({
  type: z.literal('wait-for'),
  id: journeyIdSchema,
  until: journeyConditionSchema,
  timeout: positiveDurationSchema,
  next: target,
  onTimeout: target,
});

/**
 * What a branch tests: exactly one of `condition`, `inSegment`, `notInSegment`. One object with a
 * rule, rather than a union of three, so a mistake is reported at its own path
 * (`branches[0].when.condition.age.$gtee`) instead of as "matches none of three shapes".
 */
export const branchTestSchema: z.ZodType<BranchTest> = z
  .strictObject({
    condition: conditionSchema.optional(),
    inSegment: segmentIdSchema.optional(),
    notInSegment: segmentIdSchema.optional(),
  })
  .refine((test) => Object.keys(test).length === 1, {
    message: 'A branch tests exactly one of condition, inSegment or notInSegment',
    params: { cxCode: 'invalid_branch_test' },
  }) as z.ZodType<BranchTest>;

const branchNodeSchema = z.strictObject({
  type: z.literal('branch'),
  id: journeyIdSchema,
  branches: z
    .array(z.strictObject({ when: branchTestSchema, next: target }))
    .min(1, 'A branch needs at least one test; use otherwise alone as a plain next'),
  otherwise: target,
});

const randomSplitNodeSchema = z.strictObject({
  type: z.literal('random-split'),
  id: journeyIdSchema,
  paths: z
    .array(
      z.strictObject({
        weight: z.number().positive('A split weight must be greater than zero').finite(),
        next: target,
      }),
    )
    .min(1, 'A random split needs at least one path')
    .max(100),
  salt: z.string().min(1).max(200).optional(),
});

const experimentSplitNodeSchema = z.strictObject({
  type: z.literal('experiment-split'),
  id: journeyIdSchema,
  experiment: experimentKeySchema,
  variations: z.record(experimentKeySchema, target).refine(nonEmpty, {
    message: 'An experiment split needs at least one variation',
    params: { cxCode: 'empty_variations' },
  }),
  otherwise: target,
});

/** A template given by id (looked up in the template store at send) or inline, validated as `@cx/channels` does. */
export const templateRefSchema = z.union([templateIdSchema, templateDefinitionSchema]);

/**
 * One optional template per channel; a key that is not a channel is refused. Built from the
 * channel list, so TypeScript sees a record of unknown keys: the cast restores the shape the
 * entries give it.
 */
const templatesSchema = z.strictObject(
  Object.fromEntries(CHANNEL_KINDS.map((channel) => [channel, templateRefSchema.optional()])),
) as unknown as z.ZodType<MessageNode['templates']>;

const channelChainSchema = z
  .array(channelKindSchema)
  .min(1, 'A message needs at least one channel')
  .superRefine((channels, ctx) => {
    for (const [index, channel] of channels.entries()) {
      if (channels.indexOf(channel) !== index) {
        ctx.addIssue({
          code: 'custom',
          message: `Channel ${channel} is already earlier in the chain`,
          path: [index],
          params: { cxCode: 'duplicate_channel' },
        });
      }
    }
  });

const resultWindowSchema = z.strictObject({ within: positiveDurationSchema, next: target });

/**
 * zod schema of a {@link MessageNode} alone, for checks that look at each well-formed message node.
 *
 * @example
 * ```ts
 * messageNodeSchema.safeParse(definition.nodes[2]).success;
 * ```
 */
export const messageNodeSchema = z.strictObject({
  type: z.literal('message'),
  id: journeyIdSchema,
  channels: channelChainSchema,
  templates: templatesSchema,
  category: z.enum(['marketing', 'transactional']).optional(),
  topic: z.string().min(1).max(128).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  next: target,
  on: z
    .strictObject({
      sent: target.optional(),
      failed: target.optional(),
      opened: resultWindowSchema.optional(),
      clicked: resultWindowSchema.optional(),
    })
    .refine(nonEmpty, 'Leave on out to move on as soon as the message is queued')
    .optional(),
});

const updateTraitNodeSchema = z.strictObject({
  type: z.literal('update-trait'),
  id: journeyIdSchema,
  set: z.record(keyNameSchema, z.unknown()).refine(nonEmpty, 'Set at least one trait'),
  next: target,
});

const webhookNodeSchema = z.strictObject({
  type: z.literal('webhook'),
  id: journeyIdSchema,
  url: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/\S+$/, 'A webhook URL starts with https:// (or http://)'),
  body: z.record(z.string(), z.unknown()).optional(),
  next: target,
});

const exitNodeSchema = z.strictObject({ type: z.literal('exit'), id: journeyIdSchema });

/**
 * zod schema of one {@link JourneyNode}, by its `type`. An unknown type is refused at
 * `type`; every other problem at its own path.
 *
 * @example
 * ```ts
 * journeyNodeSchema.parse({ type: 'wait', id: 'wait-1d', for: { days: 1 }, next: 'email' });
 * ```
 */
export const journeyNodeSchema: z.ZodType<JourneyNode> = z.discriminatedUnion('type', [
  waitNodeSchema,
  waitUntilTimeNodeSchema,
  waitUntilTraitNodeSchema,
  waitForNodeSchema,
  branchNodeSchema,
  randomSplitNodeSchema,
  experimentSplitNodeSchema,
  messageNodeSchema,
  updateTraitNodeSchema,
  webhookNodeSchema,
  exitNodeSchema,
]);

/** The node schemas by type name, for the JSON Schema's `$defs`. Not part of the public API. */
export const NODE_SCHEMAS = {
  WaitNode: waitNodeSchema,
  WaitUntilTimeNode: waitUntilTimeNodeSchema,
  WaitUntilTraitNode: waitUntilTraitNodeSchema,
  WaitForNode: waitForNodeSchema,
  BranchNode: branchNodeSchema,
  RandomSplitNode: randomSplitNodeSchema,
  ExperimentSplitNode: experimentSplitNodeSchema,
  MessageNode: messageNodeSchema,
  UpdateTraitNode: updateTraitNodeSchema,
  WebhookNode: webhookNodeSchema,
  ExitNode: exitNodeSchema,
} as const;
