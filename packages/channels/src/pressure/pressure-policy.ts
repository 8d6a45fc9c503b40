import { ValidationError, validationErrorFromZod } from '@cx/core';
import { z } from 'zod';
import type { ChannelKind, MessageCategory } from '../contract/channel-kind';
import { type CompiledCap, capCovers, capReleaseAt, compileCap, describeCap } from './frequency-caps';
import { DAY_MS, formatWall, type LocalZone, localZone } from './local-time';
import {
  duplicateRuleIdIssues,
  type LedgerEntry,
  type PressurePolicyInput,
  type PressureRule,
  pressurePolicyInputSchema,
} from './pressure-rules';
import {
  type CompiledQuietHours,
  compileQuietHours,
  describeQuietHours,
  quietEndAt,
  quietHoursApply,
} from './quiet-hours';

/**
 * The message being decided.
 *
 * @example
 * ```ts
 * const request: PressureRequest = { channel: 'zns', topic: 'flash-sale', category: 'marketing', timezone: 'Asia/Ho_Chi_Minh' };
 * ```
 */
export interface PressureRequest {
  channel: ChannelKind;
  topic?: string;
  category: MessageCategory;
  /** The person's IANA zone; an unknown or missing one falls back to the policy's `defaultTimezone`. */
  timezone?: string;
}

/**
 * What to do with a message: send it now, hold it until `until`, or drop it. Holds and drops name
 * the deciding rule and say why in words.
 *
 * @example
 * ```ts
 * const decision = policy.decide(entries, request, now);
 * if (decision.action === 'hold') await outbox.reschedule(message.id, decision.until);
 * ```
 */
export type PressureDecision =
  | { action: 'send' }
  | {
      action: 'hold';
      /** Epoch ms when the message may go: no rule blocks it then, if nothing else is sent meanwhile. */
      until: number;
      rule: string;
      reason: string;
    }
  | { action: 'drop'; rule: string; reason: string };

/**
 * A validated, compiled set of contact-pressure rules.
 *
 * @example
 * ```ts
 * const policy = createPressurePolicy({ rules: [{ id: 'daily', kind: 'cap', max: 2, per: 'day' }] });
 * policy.decide(ledger, { channel: 'email', category: 'marketing' }, Date.now());
 * ```
 */
export interface PressurePolicy {
  /** The rules, as validated (defaults not filled in). */
  readonly rules: readonly PressureRule[];
  /**
   * Decides one message against the person's ledger (entries in any order, any age). Quiet hours
   * first, then caps in rule order; the first rule that blocks decides. A hold's `until` is the
   * earliest time > `now` at which `decide` would answer `send` with the same ledger: pushed past
   * any quiet period or other cap it would land in.
   */
  decide(entries: readonly LedgerEntry[], request: PressureRequest, now: number): PressureDecision;
}

/** Shared, frozen: a `send` allocates nothing. */
const SEND: PressureDecision = Object.freeze({ action: 'send' });

/**
 * Bounds on the search for a hold's end. Each step moves past one blocking period, so a real
 * policy settles in a few steps; rules that together leave no free minute (quiet hours that cover
 * the whole day between them) would search forever, and a message that cannot go within a year
 * is dropped rather than parked.
 */
const MAX_SETTLE_STEPS = 512;
const MAX_HOLD_MS = 366 * DAY_MS;

class CompiledPressurePolicy implements PressurePolicy {
  readonly rules: readonly PressureRule[];
  private readonly quiet: readonly CompiledQuietHours[];
  private readonly caps: readonly CompiledCap[];
  private readonly defaultZone: LocalZone;
  private readonly weekStartsOn: 0 | 1;
  // Callers usually decide many messages for people in one zone in a row.
  private lastZoneName: string | undefined;
  private lastZone: LocalZone;

  constructor(input: PressurePolicyInput) {
    this.rules = Object.freeze([...input.rules]);
    this.quiet = input.rules.flatMap((rule) =>
      rule.kind === 'quiet-hours' ? [compileQuietHours(rule)] : [],
    );
    this.caps = input.rules.flatMap((rule) => (rule.kind === 'cap' ? [compileCap(rule)] : []));
    this.defaultZone = localZone(input.defaultTimezone ?? 'UTC')!;
    this.weekStartsOn = input.weekStartsOn ?? 1;
    this.lastZone = this.defaultZone;
  }

  decide(entries: readonly LedgerEntry[], request: PressureRequest, now: number): PressureDecision {
    if (!Number.isFinite(now)) {
      throw new ValidationError(`Invalid pressure decision: now must be epoch milliseconds, got ${now}`, [
        { path: 'now', message: 'Expected a finite number of epoch milliseconds', code: 'invalid_type' },
      ]);
    }
    const zone = this.zoneFor(request.timezone);
    const { channel, topic, category } = request;
    for (const quiet of this.quiet) {
      if (!quietHoursApply(quiet, channel, category)) continue;
      const end = quietEndAt(quiet, zone, now);
      if (end === undefined) continue;
      const reason = describeQuietHours(quiet, zone, now);
      if (quiet.action === 'drop') return { action: 'drop', rule: quiet.id, reason };
      const until = `, until ${formatWall(zone.wallAt(end))}`;
      return this.hold(quiet.id, end, reason + until, zone, entries, request, now);
    }
    for (const cap of this.caps) {
      if (!capCovers(cap, channel, topic, category)) continue;
      const release = capReleaseAt(cap, zone, this.weekStartsOn, entries, now);
      if (release === undefined) continue;
      if (cap.action === 'drop' || release === Number.POSITIVE_INFINITY) {
        return {
          action: 'drop',
          rule: cap.id,
          reason: describeCap(cap, zone, this.weekStartsOn, entries, now, false),
        };
      }
      const reason = describeCap(cap, zone, this.weekStartsOn, entries, now, true);
      return this.hold(cap.id, release, reason, zone, entries, request, now);
    }
    return SEND;
  }

  private zoneFor(name: string | undefined): LocalZone {
    if (name === undefined) return this.defaultZone;
    if (name === this.lastZoneName) return this.lastZone;
    const zone = localZone(name) ?? this.defaultZone;
    this.lastZoneName = name;
    this.lastZone = zone;
    return zone;
  }

  /**
   * Holds until the first instant from `release` on at which no rule blocks: a cap that rolls over
   * at midnight inside 21:00–08:00 quiet hours waits for 08:00; a quiet period that ends into a
   * full weekly cap waits for the next week. Drop rules are moved past too, since the message is
   * already held and only needs a time it may go. Dropped instead when that time never comes.
   */
  private hold(
    rule: string,
    release: number,
    reason: string,
    zone: LocalZone,
    entries: readonly LedgerEntry[],
    request: PressureRequest,
    now: number,
  ): PressureDecision {
    const { channel, topic, category } = request;
    const pushedBy: string[] = [];
    let until = release;
    for (let step = 0; ; step++) {
      let next = until;
      let by: CompiledQuietHours | CompiledCap | undefined;
      for (const q of this.quiet) {
        if (!quietHoursApply(q, channel, category)) continue;
        const end = quietEndAt(q, zone, until);
        if (end !== undefined && end > next) {
          next = end;
          by = q;
        }
      }
      for (const c of this.caps) {
        if (!capCovers(c, channel, topic, category)) continue;
        const end = capReleaseAt(c, zone, this.weekStartsOn, entries, until);
        if (end !== undefined && end > next) {
          next = end;
          by = c;
        }
      }
      if (by === undefined) break;
      if (next === Number.POSITIVE_INFINITY) {
        // Only a `max: 0` cap never rolls over: the message can never go.
        const cap = by as CompiledCap;
        return {
          action: 'drop',
          rule: cap.id,
          reason: describeCap(cap, zone, this.weekStartsOn, entries, until, false),
        };
      }
      if (step >= MAX_SETTLE_STEPS || next - now > MAX_HOLD_MS) {
        return {
          action: 'drop',
          rule,
          reason: `${reason}; dropped: together the rules leave no time to send it within a year`,
        };
      }
      if (!pushedBy.includes(by.id)) pushedBy.push(by.id);
      until = next;
    }
    const pushed =
      pushedBy.length === 0
        ? ''
        : `; then held by ${pushedBy.map((id) => `'${id}'`).join(', ')} until ${formatWall(zone.wallAt(until))} (${zone.name})`;
    return { action: 'hold', until, rule, reason: reason + pushed };
  }
}

/**
 * Validates and compiles a contact-pressure policy. Every problem is reported at once in the
 * `ValidationError`'s `issues`, each with its path (`rules[1].from`).
 *
 * @throws ValidationError on a bad `HH:MM`, an unknown time zone, `max` < 0, a duplicate rule id,
 *   an unknown field, and so on.
 *
 * @example
 * ```ts
 * import { createPressurePolicy } from '@cx/channels';
 *
 * const policy = createPressurePolicy({
 *   defaultTimezone: 'Asia/Ho_Chi_Minh',
 *   rules: [
 *     { id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'hold' },
 *     { id: 'daily', kind: 'cap', max: 2, per: 'day' },
 *     { id: 'weekly', kind: 'cap', max: 5, per: 'week' },
 *   ],
 * });
 * const decision = policy.decide([], { channel: 'zns', category: 'marketing' }, Date.parse('2026-12-02T15:30:00Z'));
 * // { action: 'hold', until: Date.parse('2026-12-03T01:00:00Z'), rule: 'night', reason: "quiet hours 'night' …" }
 * ```
 */
export function createPressurePolicy(input: PressurePolicyInput): PressurePolicy {
  const result = pressurePolicyInputSchema.safeParse(input);
  const issues = [...(result.success ? [] : result.error.issues), ...duplicateRuleIdIssues(input)];
  if (!result.success || issues.length > 0) {
    throw validationErrorFromZod(new z.ZodError(issues), 'pressure policy');
  }
  return new CompiledPressurePolicy(result.data);
}
