import { parseOrThrow } from '@cx/core';
import { z } from 'zod';
import type { ChannelKind, MessageCategory } from '../contract/channel-kind';
import { isTimeZone, type LocalPeriod, localZone } from './local-time';
import type { LedgerEntry } from './pressure-rules';

/**
 * How many messages a person got in one local period, by channel, topic and category.
 *
 * @example
 * ```ts
 * const summary: ContactSummary = {
 *   since: '2026-11-30T00:00:00+07:00',
 *   until: '2026-12-07T00:00:00+07:00',
 *   timezone: 'Asia/Ho_Chi_Minh',
 *   total: 3,
 *   byChannel: { zns: 2, email: 1 },
 *   byTopic: { 'flash-sale': 2 },
 *   byCategory: { marketing: 3 },
 * };
 * ```
 */
export interface ContactSummary {
  /** First instant of the period, as local ISO 8601 with its offset. */
  since: string;
  /** First instant after the period (the next local midnight or week start), same format. */
  until: string;
  /** The zone the period was read in. */
  timezone: string;
  total: number;
  byChannel: Partial<Record<ChannelKind, number>>;
  /** Entries without a topic are not listed here (they still count in `total`). */
  byTopic: Record<string, number>;
  byCategory: Partial<Record<MessageCategory, number>>;
}

/**
 * Options for {@link contactSummary}.
 *
 * @example
 * ```ts
 * const options: ContactSummaryOptions = { period: 'week', now: Date.now(), timezone: 'Asia/Ho_Chi_Minh' };
 * ```
 */
export interface ContactSummaryOptions {
  /** Today, this calendar week, or the last `days` local days including today. */
  period: 'day' | 'week' | { days: number };
  /** Epoch ms that fixes "today". */
  now: number;
  /** IANA zone the days are read in; default `UTC`. */
  timezone?: string;
  /** `1` = Monday (ISO, default) or `0` = Sunday. */
  weekStartsOn?: 0 | 1;
}

const optionsSchema = z.object({
  period: z.union([z.literal('day'), z.literal('week'), z.strictObject({ days: z.int().min(1).max(366) })]),
  now: z.number().finite(),
  timezone: z
    .string()
    .refine(isTimeZone, 'Unknown time zone: expected an IANA name such as Asia/Ho_Chi_Minh')
    .optional(),
  weekStartsOn: z.literal([0, 1]).optional(),
});

/**
 * Counts the messages a person got in the current local day, week or last `days` days: "how many
 * messages did this person get this week, and on which channels". Entries in any order.
 *
 * @throws ValidationError on an unknown time zone or a bad period.
 *
 * @example
 * ```ts
 * import { contactSummary } from '@cx/channels';
 *
 * const week = contactSummary(ledger, { period: 'week', now: Date.now(), timezone: 'Asia/Ho_Chi_Minh' });
 * console.log(`${week.total} messages since ${week.since}`, week.byChannel); // 3 … { zns: 2, email: 1 }
 * ```
 */
export function contactSummary(
  entries: readonly LedgerEntry[],
  options: ContactSummaryOptions,
): ContactSummary {
  const {
    period,
    now,
    timezone = 'UTC',
    weekStartsOn = 1,
  } = parseOrThrow(optionsSchema, options, 'contact summary options');
  const zone = localZone(timezone)!;
  const bounds: LocalPeriod =
    period === 'day'
      ? zone.day(now)
      : period === 'week'
        ? zone.week(now, weekStartsOn)
        : zone.lastDays(now, period.days);
  const summary: ContactSummary = {
    since: zone.isoLocal(bounds.start),
    until: zone.isoLocal(bounds.end),
    timezone,
    total: 0,
    byChannel: {},
    byTopic: {},
    byCategory: {},
  };
  for (const entry of entries) {
    if (entry.at < bounds.start || entry.at >= bounds.end) continue;
    summary.total++;
    summary.byChannel[entry.channel] = (summary.byChannel[entry.channel] ?? 0) + 1;
    summary.byCategory[entry.category] = (summary.byCategory[entry.category] ?? 0) + 1;
    if (entry.topic !== undefined) summary.byTopic[entry.topic] = (summary.byTopic[entry.topic] ?? 0) + 1;
  }
  return summary;
}
