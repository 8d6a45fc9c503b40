import type { Condition } from '@cx/core/conditions';
import type {
  BranchTest,
  Duration,
  ExitNode,
  MessageNode,
  RandomSplitNode,
  UpdateTraitNode,
  WaitForNode,
  WaitNode,
  WaitUntilTimeNode,
  WaitUntilTraitNode,
  WebhookNode,
} from './journey-types';

/*
 * The node helpers: plain functions returning the JSON form of a node, so a journey written in
 * code and one loaded from a file are the same value, checked by the same schema. Each reads
 * `(id, what, next)`; ids and targets keep their literal types, which lets `defineJourney` catch
 * a target that names no node at compile time.
 */

/** What a message node says besides its id and `next`. */
export type MessageSpec = Omit<MessageNode, 'type' | 'id' | 'next'>;
/** What a wait-for node says besides its id and `next`. */
export type WaitForSpec = Omit<WaitForNode, 'type' | 'id' | 'next'>;
/** What a wait-until-trait node says besides its id and `next`. */
export type WaitUntilTraitSpec = Omit<WaitUntilTraitNode, 'type' | 'id' | 'next'>;
/** What a wait-until-time node says besides its id and `next`. */
export type WaitUntilTimeSpec = Omit<WaitUntilTimeNode, 'type' | 'id' | 'next'>;
/** What a webhook node says besides its id and `next`. */
export type WebhookSpec = Omit<WebhookNode, 'type' | 'id' | 'next'>;

/**
 * Waits a duration, then goes to `next`.
 *
 * @example
 * ```ts
 * wait('wait-1d', { days: 1 }, 'reminder');
 * ```
 */
export function wait<const Id extends string, const Next extends string>(
  id: Id,
  duration: Duration,
  next: Next,
): WaitNode & { id: Id; next: Next } {
  return { type: 'wait', id, for: duration, next };
}

/**
 * Waits until a local time of day (`HH:MM`, in the person's time zone), optionally only on some
 * weekdays (0 = Sunday), then goes to `next`.
 *
 * @example
 * ```ts
 * waitUntilTime('morning', '09:00', 'send');
 * waitUntilTime('weekday-morning', { at: '09:00', weekdays: [1, 2, 3, 4, 5] }, 'send');
 * ```
 */
export function waitUntilTime<const Id extends string, const Next extends string>(
  id: Id,
  at: string | WaitUntilTimeSpec,
  next: Next,
): WaitUntilTimeNode & { id: Id; next: Next } {
  const spec = typeof at === 'string' ? { at } : at;
  return { type: 'wait-until-time', id, ...spec, next };
}

/**
 * Waits until the date in a trait, shifted by `offset`, then goes to `next`; `onMissing` is where
 * to go at once when the trait holds no date.
 *
 * @example
 * ```ts
 * waitUntilTrait('week-before-renewal', { trait: 'renewalDate', offset: { days: 7, before: true } }, 'remind');
 * ```
 */
export function waitUntilTrait<
  const Id extends string,
  const Spec extends WaitUntilTraitSpec,
  const Next extends string,
>(id: Id, spec: Spec, next: Next): { type: 'wait-until-trait'; id: Id } & Spec & { next: Next } {
  return { type: 'wait-until-trait', id, ...spec, next };
}

/**
 * Waits for an event (matched by correlation key) or a segment change: goes to `next` when it
 * happens, or to `onTimeout` when `timeout` passes first.
 *
 * @example
 * ```ts
 * waitFor(
 *   'wait-order',
 *   { until: performed('Order Completed', { correlate: { cartId: 'cartId' } }), timeout: { days: 1 }, onTimeout: 'email' },
 *   'done',
 * );
 * ```
 */
export function waitFor<const Id extends string, const OnTimeout extends string, const Next extends string>(
  id: Id,
  spec: WaitForSpec & { onTimeout: OnTimeout },
  next: Next,
): WaitForNode & { id: Id; onTimeout: OnTimeout; next: Next } {
  return { type: 'wait-for', id, ...spec, next };
}

/**
 * One test of a branch and where it leads.
 *
 * @example
 * ```ts
 * when(inSegment('vip'), 'vip-offer');
 * when(matches({ 'entry.total': { $gte: 1_000_000 } }), 'big-cart');
 * ```
 */
export function when<const Next extends string>(
  test: BranchTest,
  next: Next,
): { when: BranchTest; next: Next } {
  return { when: test, next };
}

/**
 * A branch test on the shared condition language, over `{ traits, entry, data }`: the profile's
 * traits, the entry event's properties and the instance's data.
 *
 * @example
 * ```ts
 * matches({ 'traits.tier': 'gold', 'entry.total': { $gte: 1_000_000 } });
 * ```
 */
export function matches(condition: Condition): BranchTest {
  return { condition };
}

/**
 * A branch test: the profile is in a segment now.
 *
 * @example
 * ```ts
 * when(inSegment('vip'), 'vip-offer');
 * ```
 */
export function inSegment(segment: string): BranchTest {
  return { inSegment: segment };
}

/**
 * A branch test: the profile is not in a segment now.
 *
 * @example
 * ```ts
 * when(notInSegment('opted-out-zalo'), 'zns');
 * ```
 */
export function notInSegment(segment: string): BranchTest {
  return { notInSegment: segment };
}

/**
 * Branches: the first test that holds wins, else `otherwise`.
 *
 * @example
 * ```ts
 * branch('by-tier', [when(inSegment('vip'), 'vip-offer'), when(matches({ 'traits.tier': 'gold' }), 'gold-offer')], 'standard');
 * ```
 */
export function branch<const Id extends string, const Next extends string, const Otherwise extends string>(
  id: Id,
  branches: readonly { when: BranchTest; next: Next }[],
  otherwise: Otherwise,
): { type: 'branch'; id: Id; branches: { when: BranchTest; next: Next }[]; otherwise: Otherwise } {
  return { type: 'branch', id, branches: [...branches], otherwise };
}

/**
 * Splits people at random (deterministic per profile), by weight: `[weight, next]` pairs.
 *
 * @example
 * ```ts
 * randomSplit('ab', [[50, 'email-a'], [50, 'email-b']]);
 * randomSplit('holdout', [[90, 'send'], [10, 'done']], { salt: 'spring-2026' });
 * ```
 */
export function randomSplit<const Id extends string, const Next extends string>(
  id: Id,
  paths: readonly (readonly [weight: number, next: Next])[],
  options: { salt?: string } = {},
): RandomSplitNode & { id: Id; paths: { weight: number; next: Next }[] } {
  return {
    type: 'random-split',
    id,
    paths: paths.map(([weight, next]) => ({ weight, next })),
    ...(options.salt === undefined ? {} : { salt: options.salt }),
  };
}

/**
 * Splits people by the variation an `@cx/abtest` experiment assigns them; people outside the
 * experiment go to `otherwise`.
 *
 * @example
 * ```ts
 * experimentSplit('subject-test', 'cart-subject-2026', { control: 'email-a', urgent: 'email-b' }, 'email-a');
 * ```
 */
export function experimentSplit<
  const Id extends string,
  const Variations extends Record<string, string>,
  const Otherwise extends string,
>(
  id: Id,
  experiment: string,
  variations: Variations,
  otherwise: Otherwise,
): { type: 'experiment-split'; id: Id; experiment: string; variations: Variations; otherwise: Otherwise } {
  return { type: 'experiment-split', id, experiment, variations, otherwise };
}

/**
 * Sends a message down a channel chain (first choice, then fallbacks), with a template per
 * channel (an id, or inline), then goes to `next`; with `on`, it waits for the result first.
 *
 * @example
 * ```ts
 * message('zns', { channels: ['zns', 'sms'], templates: { zns: 'cart-zns', sms: 'cart-sms' }, data: { coupon: 'CART10' } }, 'done');
 * message('email', { channels: ['email'], templates: { email: 'cart-email' }, on: { opened: { within: { days: 2 }, next: 'thanks' } } }, 'nudge');
 * ```
 */
export function message<const Id extends string, const Spec extends MessageSpec, const Next extends string>(
  id: Id,
  spec: Spec,
  next: Next,
): { type: 'message'; id: Id } & Spec & { next: Next } {
  return { type: 'message', id, ...spec, next };
}

/**
 * Sets traits on the profile (values may be Liquid, against the templates' scope), then goes on.
 *
 * @example
 * ```ts
 * updateTrait('mark-nudged', { cartNudgedAt: '{{ "now" | date: "%Y-%m-%d" }}' }, 'done');
 * ```
 */
export function updateTrait<const Id extends string, const Next extends string>(
  id: Id,
  set: Record<string, unknown>,
  next: Next,
): UpdateTraitNode & { id: Id; next: Next } {
  return { type: 'update-trait', id, set, next };
}

/**
 * Calls a webhook (a POST through the runtime's `journey.webhooks` worker, scheduled in the step's
 * commit), then goes on at once.
 *
 * @example
 * ```ts
 * webhook('tell-crm', { url: 'https://crm.example.com/hooks/cart', body: { cartId: '{{ event.properties.cartId }}' } }, 'done');
 * ```
 */
export function webhook<const Id extends string, const Next extends string>(
  id: Id,
  spec: WebhookSpec,
  next: Next,
): WebhookNode & { id: Id; next: Next } {
  return { type: 'webhook', id, ...spec, next };
}

/**
 * Ends the instance.
 *
 * @example
 * ```ts
 * exit('done');
 * ```
 */
export function exit<const Id extends string>(id: Id): ExitNode & { id: Id } {
  return { type: 'exit', id };
}
