import type { Condition } from '@cx/core/conditions';
import type { EventMatch, JourneyCondition, JourneyEntry } from './journey-types';

/*
 * Helpers for how people enter, what they wait for, and the goals and exit criteria that end an
 * instance early. Each returns the JSON form.
 */

/** Options of {@link onEvent}. */
export interface OnEventOptions {
  /** A condition on the event's properties. Properties it requires count as provided by the entry. */
  where?: Condition;
  /** Event properties kept as correlation keys (`cartId`), for `correlate` in waits and goals. */
  correlation?: string[];
}

/**
 * Enter on an event.
 *
 * @example
 * ```ts
 * onEvent('Cart Updated', { where: { total: { $gt: 0 } }, correlation: ['cartId'] });
 * ```
 */
export function onEvent(event: string, options: OnEventOptions = {}): JourneyEntry {
  return { type: 'event', event, ...options };
}

/**
 * Enter when a profile enters (or leaves) a segment.
 *
 * @example
 * ```ts
 * onSegment('churn-risk');
 * onSegment('vip', 'exit');
 * ```
 */
export function onSegment(segment: string, on: 'enter' | 'exit' = 'enter'): JourneyEntry {
  return { type: 'segment', segment, on };
}

/**
 * Enter a segment's members every day or week, at a local time in each person's time zone.
 *
 * @example
 * ```ts
 * onSchedule({ every: 'week', at: '09:00', weekdays: [1], segment: 'newsletter' });
 * ```
 */
export function onSchedule(
  schedule: Omit<Extract<JourneyEntry, { type: 'schedule' }>, 'type'>,
): JourneyEntry {
  return { type: 'schedule', ...schedule };
}

/**
 * Enter only through the API; `correlation` names keys of the API data kept as correlation keys.
 *
 * @example
 * ```ts
 * onApi({ correlation: ['orderId'] });
 * ```
 */
export function onApi(options: { correlation?: string[] } = {}): JourneyEntry {
  return { type: 'api', ...options };
}

/**
 * An event to wait for, or that meets a goal or exit criterion; `correlate` maps the event's
 * properties to the instance's correlation keys (`{ cartId: 'cartId' }`: same cart).
 *
 * @example
 * ```ts
 * performed('Order Completed', { correlate: { cartId: 'cartId' } });
 * performed('Survey Answered', { where: { score: { $gte: 0 } } });
 * ```
 */
export function performed(event: string, options: Omit<EventMatch, 'event'> = {}): JourneyCondition {
  return { kind: 'event', event, ...options };
}

/**
 * The profile entered a segment.
 *
 * @example
 * ```ts
 * exitOn('unsubscribed', enteredSegment('unsubscribed'));
 * ```
 */
export function enteredSegment(segment: string): JourneyCondition {
  return { kind: 'segment', segment, on: 'enter' };
}

/**
 * The profile left a segment.
 *
 * @example
 * ```ts
 * exitOn('no-longer-at-risk', exitedSegment('churn-risk'));
 * ```
 */
export function exitedSegment(segment: string): JourneyCondition {
  return { kind: 'segment', segment, on: 'exit' };
}

/**
 * A goal: meeting it ends the instance at once as converted, even mid-wait.
 *
 * @example
 * ```ts
 * goal('ordered', performed('Order Completed', { correlate: { cartId: 'cartId' } }));
 * ```
 */
export function goal(id: string, condition: JourneyCondition): JourneyCondition & { id: string } {
  return { id, ...condition };
}

/**
 * An exit criterion: meeting it ends the instance at once, even mid-wait.
 *
 * @example
 * ```ts
 * exitOn('unsubscribed', performed('Unsubscribed'));
 * ```
 */
export function exitOn(id: string, condition: JourneyCondition): JourneyCondition & { id: string } {
  return { id, ...condition };
}
