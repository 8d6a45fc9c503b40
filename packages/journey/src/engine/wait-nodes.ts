import { parseAttributePath, readAttributePath } from '@cx/core/conditions';
import { durationMs } from '../definition/duration';
import type {
  WaitForNode,
  WaitNode,
  WaitUntilTimeNode,
  WaitUntilTraitNode,
} from '../definition/journey-types';
import { startWaiting } from './instance-transitions';
import { nextLocalTime, traitDueAt } from './local-time-waits';
import { segmentConditionHolds } from './match-condition';
import { personZone, type Run } from './run-context';

/*
 * The wait nodes. Each returns the node to go on to at once, or `null` once the instance waits.
 * A wait whose end is now or already past does not wait: a timer due now would only cost the
 * runtime a round trip to learn what the step already knows.
 */

/**
 * `wait`: a timer `for` later (elapsed time, a day being 24 hours).
 *
 * @example
 * ```ts
 * runWait(run, { type: 'wait', id: 'wait-1', for: { days: 1 }, next: 'email' }); // null, waiting
 * ```
 */
export function runWait(run: Run, node: WaitNode): string | null {
  const at = run.now + durationMs(node.for);
  if (at <= run.now) return node.next;
  run.state = startWaiting(run.state, { kind: 'timer', node: node.id, at }, run.effects);
  return null;
}

/**
 * `wait-until-time`: until the next local `HH:MM` on an allowed weekday in the person's zone;
 * at exactly that time now, on at once.
 *
 * @example
 * ```ts
 * runWaitUntilTime(run, { type: 'wait-until-time', id: 'morning', at: '09:00', next: 'email' });
 * ```
 */
export function runWaitUntilTime(run: Run, node: WaitUntilTimeNode): string | null {
  const at = nextLocalTime(run.now, node.at, node.weekdays, personZone(run));
  if (at <= run.now) return node.next;
  run.state = startWaiting(run.state, { kind: 'timer', node: node.id, at }, run.effects);
  return null;
}

/**
 * `wait-until-trait`: until the date in a trait (a dot path into the traits), shifted by the
 * offset. A trait that is missing or not a date goes to `onMissing` (default `next`) at once; a
 * date already past goes to `next` at once, since the moment it waited for has come.
 *
 * @example
 * ```ts
 * runWaitUntilTrait(run, {
 *   type: 'wait-until-trait', id: 'before-renewal', trait: 'renewalDate',
 *   offset: { days: 3, before: true }, next: 'reminder', onMissing: 'ask-date',
 * });
 * ```
 */
export function runWaitUntilTrait(run: Run, node: WaitUntilTraitNode): string | null {
  const value = readAttributePath(run.context.traits, parseAttributePath(node.trait));
  const at = traitDueAt(value, node.offset, personZone(run));
  if (at === undefined) return node.onMissing ?? node.next;
  if (at <= run.now) return node.next;
  run.state = startWaiting(run.state, { kind: 'timer', node: node.id, at }, run.effects);
  return null;
}

/**
 * `wait-for`: until an event or segment change (checked by the step on each input) or the
 * timeout. A segment condition that already holds (waiting to enter a segment the person is in)
 * goes on at once: the change it waits for has happened and will not come as an input.
 *
 * @example
 * ```ts
 * runWaitFor(run, {
 *   type: 'wait-for', id: 'wait-order',
 *   until: { kind: 'event', event: 'Order Completed', correlate: { cartId: 'cartId' } },
 *   timeout: { days: 1 }, next: 'thanks', onTimeout: 'email',
 * });
 * ```
 */
export function runWaitFor(run: Run, node: WaitForNode): string | null {
  if (segmentConditionHolds(node.until, run.context.segments)) return node.next;
  const timeoutAt = run.now + durationMs(node.timeout);
  if (timeoutAt <= run.now) return node.onTimeout;
  run.state = startWaiting(
    run.state,
    { kind: 'condition', node: node.id, condition: node.until, timeoutAt },
    run.effects,
  );
  return null;
}
