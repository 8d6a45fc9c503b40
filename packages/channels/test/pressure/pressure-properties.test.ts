import { seededRandom } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { CHANNEL_KINDS, type ChannelKind, type MessageCategory } from '../../src/contract/channel-kind';
import {
  createPressurePolicy,
  type FrequencyCapRule,
  type LedgerEntry,
  ledgerHorizonMs,
  type PressureRequest,
  type PressureRule,
  pruneLedger,
  type QuietHoursRule,
  type Weekday,
} from '../../src/pressure';
import { at, HOUR } from './support';

/*
 * A slow, obvious reference, independent of local-time.ts: each instant is formatted with Intl
 * and compared as local calendar dates and clock times.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function localOf(timeZone: string, instant: number): { day: number; minutes: number; weekday: number } {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
  const day = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / 86_400_000;
  return { day, minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute), weekday: (day + 4) % 7 };
}

function covers(
  rule: { channels?: ChannelKind[]; categories?: MessageCategory[]; topics?: string[] },
  message: { channel: ChannelKind; category: MessageCategory; topic?: string },
): boolean {
  if (!(rule.categories ?? ['marketing']).includes(message.category)) return false;
  if (rule.channels && !rule.channels.includes(message.channel)) return false;
  return !rule.topics || (message.topic !== undefined && rule.topics.includes(message.topic));
}

function countInPeriod(
  rule: FrequencyCapRule,
  entries: readonly LedgerEntry[],
  zone: string,
  weekStartsOn: 0 | 1,
  now: number,
): number {
  const today = localOf(zone, now);
  const weekStart = today.day - ((today.weekday - weekStartsOn + 7) % 7);
  return entries.filter((entry) => {
    if (!covers(rule, entry)) return false;
    if (typeof rule.per === 'object') return entry.at > now - rule.per.hours * HOUR;
    const day = localOf(zone, entry.at).day;
    return rule.per === 'day' ? day === today.day : day >= weekStart && day < weekStart + 7;
  }).length;
}

function isQuiet(rule: QuietHoursRule, zone: string, now: number): boolean {
  const local = localOf(zone, now);
  const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const from = minutesOf(rule.from);
  const to = minutesOf(rule.to);
  const startsOn = (weekday: number) => !rule.days || rule.days.includes(weekday as Weekday);
  if (from < to) return local.minutes >= from && local.minutes < to && startsOn(local.weekday);
  return (
    (local.minutes >= from && startsOn(local.weekday)) ||
    (local.minutes < to && startsOn((local.weekday + 6) % 7))
  );
}

const ZONES = [
  'Asia/Ho_Chi_Minh',
  'America/New_York',
  'UTC',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Europe/London',
];
const TOPICS = ['flash-sale', 'newsletter', 'order'];
// Around both 2026 DST changes in New York and London, and a plain December week.
const NOWS = [at('2026-03-06T00:00:00Z'), at('2026-10-23T00:00:00Z'), at('2026-12-01T00:00:00Z')];

describe('pressure properties (seeded random policies, ledgers and times)', () => {
  it('never sends past a cap or inside quiet hours, and every hold ends at the first time it would send', () => {
    const random = seededRandom(20261202);
    const pick = <T>(items: readonly T[]): T => items[random.int(items.length)]!;
    const subset = <T>(items: readonly T[]): T[] | undefined =>
      random() < 0.5 ? undefined : items.filter(() => random() < 0.5).concat(pick(items));
    const hhmm = () => `${String(random.int(24)).padStart(2, '0')}:${pick(['00', '15', '30', '45'])}`;
    let checked = { send: 0, hold: 0, drop: 0 };

    for (let run = 0; run < 400; run++) {
      const rules: PressureRule[] = [];
      const ruleCount = 1 + random.int(4);
      for (let i = 0; i < ruleCount; i++) {
        if (random() < 0.3) {
          rules.push({
            id: `quiet-${i}`,
            kind: 'quiet-hours',
            from: hhmm(),
            to: hhmm(),
            days:
              random() < 0.3
                ? ([0, 1, 2, 3, 4, 5, 6] as Weekday[]).filter(() => random() < 0.5).concat(5)
                : undefined,
            channels: subset(CHANNEL_KINDS),
            action: random() < 0.8 ? 'hold' : 'drop',
          });
        } else {
          rules.push({
            id: `cap-${i}`,
            kind: 'cap',
            max: random.int(5),
            per: pick(['day', 'week', { hours: 1 + random.int(96) }] as const),
            channels: subset(CHANNEL_KINDS),
            topics: random() < 0.2 ? subset(TOPICS) : undefined,
            categories: random() < 0.15 ? ['marketing', 'transactional'] : undefined,
            action: random() < 0.85 ? 'hold' : 'drop',
          });
        }
      }
      const weekStartsOn = random() < 0.5 ? 0 : 1;
      const defaultTimezone = pick(ZONES);
      const policy = createPressurePolicy({ rules, weekStartsOn, defaultTimezone });
      const now = pick(NOWS) + random.int(14 * 24 * 60) * 60_000;
      const entries: LedgerEntry[] = Array.from({ length: random.int(25) }, (_, i) => ({
        id: `m${i}`,
        channel: pick(CHANNEL_KINDS.slice(0, 4)),
        topic: random() < 0.6 ? pick(TOPICS) : undefined,
        category: random() < 0.8 ? 'marketing' : 'transactional',
        at: now - random.int(10 * 24 * 60) * 60_000,
      }));
      const request: PressureRequest = {
        channel: pick(CHANNEL_KINDS.slice(0, 4)),
        topic: random() < 0.6 ? pick(TOPICS) : undefined,
        category: random() < 0.85 ? 'marketing' : 'transactional',
        timezone: random() < 0.9 ? pick(ZONES) : undefined,
      };
      const timezone = request.timezone ?? defaultTimezone;

      const decision = policy.decide(entries, request, now);
      checked = { ...checked, [decision.action]: checked[decision.action] + 1 };
      const context = `run ${run}: ${JSON.stringify({ rules, weekStartsOn, request, now: new Date(now) })}`;

      if (decision.action === 'send') {
        for (const rule of rules) {
          if (!covers(rule, request)) continue;
          if (rule.kind === 'quiet-hours') expect(isQuiet(rule, timezone, now), context).toBe(false);
          else
            expect(
              countInPeriod(rule, entries, timezone, weekStartsOn, now) + 1,
              context,
            ).toBeLessThanOrEqual(rule.max);
        }
      } else {
        expect(
          rules.map((rule) => rule.id),
          context,
        ).toContain(decision.rule);
      }
      if (decision.action === 'hold') {
        expect(decision.until, context).toBeGreaterThan(now);
        expect(policy.decide(entries, request, decision.until), context).toEqual({ action: 'send' });
        // …and it is the earliest such time: nothing before it would send.
        const between = now + Math.floor(random() * (decision.until - now));
        expect(policy.decide(entries, request, between).action, context).not.toBe('send');
      }
      // Pruning to the horizon never changes a decision.
      const pruned = pruneLedger(entries, now, ledgerHorizonMs(policy));
      expect(policy.decide(pruned, request, now), context).toEqual(decision);
    }
    // The generator must exercise every outcome, or the properties above prove little.
    expect(checked.send).toBeGreaterThan(40);
    expect(checked.hold).toBeGreaterThan(40);
    expect(checked.drop).toBeGreaterThan(10);
  });
});
