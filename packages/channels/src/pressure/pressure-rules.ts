import { z } from 'zod';
import { type ChannelKind, channelKindSchema, type MessageCategory } from '../contract/channel-kind';
import { isTimeZone } from './local-time';

/**
 * One send, as the contact-pressure ledger records it.
 *
 * @example
 * ```ts
 * const entry: LedgerEntry = {
 *   id: 'msg_01J…',
 *   channel: 'zns',
 *   topic: 'flash-sale',
 *   category: 'marketing',
 *   at: Date.parse('2026-12-02T02:00:00Z'),
 * };
 * ```
 */
export interface LedgerEntry {
  /** The message id. */
  id: string;
  /** The channel it went out on. */
  channel: ChannelKind;
  /** What it was about (`flash-sale`, `newsletter`), for per-topic caps. */
  topic?: string;
  /** `marketing` or `transactional`. */
  category: MessageCategory;
  /** When it was sent, in epoch milliseconds. */
  at: number;
}

/**
 * A local weekday, `0` = Sunday … `6` = Saturday (as `Date#getDay()`).
 *
 * @example
 * ```ts
 * const weekend: Weekday[] = [5, 6]; // Friday and Saturday nights
 * ```
 */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * The period a frequency cap counts over: the person's local calendar `day` or `week`, or a
 * rolling window of `hours` ending now.
 *
 * @example
 * ```ts
 * const periods: CapPeriod[] = ['day', 'week', { hours: 24 }];
 * ```
 */
export type CapPeriod = 'day' | 'week' | { hours: number };

/**
 * At most `max` matching messages per period. A message that would exceed it is held until the
 * period rolls over (the next local midnight, the next week start, or the moment the oldest
 * counted send leaves the rolling window), or dropped.
 *
 * Filters combine: a cap with `channels: ['sms', 'zns']` and `topics: ['promo']` counts promo
 * messages on SMS and ZNS together, in one shared count. Write one rule per channel or topic to
 * give each its own count.
 *
 * @example
 * ```ts
 * const weekly: FrequencyCapRule = { id: 'weekly-marketing', kind: 'cap', max: 5, per: 'week' };
 * const smsDaily: FrequencyCapRule = { id: 'sms-daily', kind: 'cap', max: 1, per: 'day', channels: ['sms'] };
 * ```
 */
export interface FrequencyCapRule {
  /** Unique within the policy; every decision names it. */
  id: string;
  kind: 'cap';
  /** The most messages allowed per period (an integer ≥ 0; `0` blocks every matching message). */
  max: number;
  /** Calendar `day` / `week` in the person's time zone, or a rolling window. */
  per: CapPeriod;
  /** Channels counted and capped; default all, which makes a cross-channel cap. */
  channels?: ChannelKind[];
  /** Topics counted and capped (together); default any topic, with or without one. */
  topics?: string[];
  /** Categories counted and capped; default `['marketing']`, so transactional messages are exempt. */
  categories?: MessageCategory[];
  /** `hold` (default) until the period rolls over, or `drop`. */
  action?: 'hold' | 'drop';
}

/**
 * No matching messages between `from` and `to`, local time. The window may wrap midnight
 * (`21:00` → `08:00`); `from` equal to `to` means a full 24 hours from `from`.
 *
 * @example
 * ```ts
 * const night: QuietHoursRule = { id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'hold' };
 * const weekendNights: QuietHoursRule = { ...night, id: 'weekend-nights', days: [5, 6], action: 'drop' };
 * ```
 */
export interface QuietHoursRule {
  /** Unique within the policy; every decision names it. */
  id: string;
  kind: 'quiet-hours';
  /** Start, local `HH:MM` (24-hour). */
  from: string;
  /** End, local `HH:MM` (24-hour), exclusive; earlier than `from` when the window wraps midnight. */
  to: string;
  /** The local weekdays on which a quiet period STARTS; default every day. */
  days?: Weekday[];
  /** Channels kept quiet; default all. */
  channels?: ChannelKind[];
  /** Categories kept quiet; default `['marketing']`. */
  categories?: MessageCategory[];
  /** `hold` until the quiet period ends, or `drop`. */
  action: 'hold' | 'drop';
}

/**
 * Any contact-pressure rule.
 *
 * @example
 * ```ts
 * const rules: PressureRule[] = [
 *   { id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'hold' },
 *   { id: 'daily', kind: 'cap', max: 2, per: 'day' },
 * ];
 * ```
 */
export type PressureRule = FrequencyCapRule | QuietHoursRule;

/**
 * What {@link createPressurePolicy} takes.
 *
 * @example
 * ```ts
 * const input: PressurePolicyInput = {
 *   defaultTimezone: 'Asia/Ho_Chi_Minh',
 *   weekStartsOn: 1,
 *   rules: [{ id: 'weekly', kind: 'cap', max: 5, per: 'week' }],
 * };
 * ```
 */
export interface PressurePolicyInput {
  /** Quiet hours are checked first whatever their position; caps in this order. */
  rules: PressureRule[];
  /** IANA zone for people without a known one; default `UTC`. */
  defaultTimezone?: string;
  /** First day of a calendar week: `1` = Monday (ISO, default) or `0` = Sunday. */
  weekStartsOn?: 0 | 1;
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const hhmmSchema = z.string().regex(HH_MM, 'Expected a local time of day as HH:MM, 00:00 to 23:59');
const timeZoneSchema = z
  .string()
  .refine(isTimeZone, 'Unknown time zone: expected an IANA name such as Asia/Ho_Chi_Minh');
const categoriesSchema = z.array(z.enum(['marketing', 'transactional'])).min(1);
// An empty filter would silently match nothing: a typo we would rather report.
const channelsSchema = z.array(channelKindSchema).min(1);
const ruleIdSchema = z.string().min(1);

const capRuleSchema = z.strictObject({
  id: ruleIdSchema,
  kind: z.literal('cap'),
  max: z.int().min(0),
  per: z.union([
    z.literal('day'),
    z.literal('week'),
    z.strictObject({
      hours: z
        .number()
        .positive()
        .max(24 * 366),
    }),
  ]),
  channels: channelsSchema.optional(),
  topics: z.array(z.string().min(1)).min(1).optional(),
  categories: categoriesSchema.optional(),
  action: z.enum(['hold', 'drop']).optional(),
});

const quietHoursRuleSchema = z.strictObject({
  id: ruleIdSchema,
  kind: z.literal('quiet-hours'),
  from: hhmmSchema,
  to: hhmmSchema,
  days: z
    .array(z.literal([0, 1, 2, 3, 4, 5, 6]))
    .min(1)
    .optional(),
  channels: channelsSchema.optional(),
  categories: categoriesSchema.optional(),
  action: z.enum(['hold', 'drop']),
});

/**
 * zod schema of {@link PressurePolicyInput}, without the duplicate-id check that
 * {@link createPressurePolicy} adds.
 *
 * @example
 * ```ts
 * const result = pressurePolicyInputSchema.safeParse(JSON.parse(configText));
 * if (!result.success) console.log(result.error.issues);
 * ```
 */
export const pressurePolicyInputSchema = z.strictObject({
  rules: z.array(z.discriminatedUnion('kind', [capRuleSchema, quietHoursRuleSchema])),
  defaultTimezone: timeZoneSchema.optional(),
  weekStartsOn: z.literal([0, 1]).optional(),
});

/**
 * Issues for rule ids used more than once. Checked on the raw input, beside the schema, so one
 * error lists these together with every other problem (zod skips object refinements once a field
 * has failed).
 *
 * @example
 * ```ts
 * duplicateRuleIdIssues({ rules: [{ id: 'a' }, { id: 'a' }] });
 * // [{ code: 'custom', path: ['rules', 1, 'id'], message: "Duplicate rule id 'a' (first used by rules[0])", … }]
 * ```
 */
export function duplicateRuleIdIssues(input: unknown): z.core.$ZodIssue[] {
  const rules = (input as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return [];
  const seen = new Map<string, number>();
  const issues: z.core.$ZodIssue[] = [];
  rules.forEach((rule: unknown, index) => {
    const id = (rule as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, index);
    else
      issues.push({
        code: 'custom',
        path: ['rules', index, 'id'],
        message: `Duplicate rule id '${id}' (first used by rules[${first}])`,
        input: id,
      });
  });
  return issues;
}
