import { durationMs } from '../definition/duration';
import type { MessageNode } from '../definition/journey-types';
import type { MessageRecord } from './instance-data';

/*
 * What a message node waits for, and what each result means. The precedence, decided once here:
 *
 * - `sent` goes to `on.sent` at once when set; otherwise the node keeps waiting for an open or a
 *   click when those are configured, else goes to `next`.
 * - `failed` goes to `on.failed`, else to `next` at once: a message that was never delivered
 *   cannot be opened, so waiting out an open window would only delay the person.
 * - Windows start when the node queues the message (the step cannot know when a provider will
 *   accept it); a message held by quiet hours loses the hold from its windows.
 * - A click counts as an open too (image blocking hides many opens that precede a click).
 * - A click in the clicked window goes to `clicked` at once: it beats an open.
 * - An open in the opened window goes to `opened` at once, unless a `clicked` branch is configured
 *   and its window is still open: then the node waits for a click until that window closes, and
 *   only then goes to `opened`. Going at the open would make `clicked` unreachable for email,
 *   where the open nearly always comes first.
 * - When every window has closed, the node goes to `opened` if an open came in time, else `next`.
 * - Only the first open and the first click count; repeats change nothing.
 */

/** What a message result does to a waiting message node. */
export type MessageDecision =
  /** Nothing: a repeat, or nothing the node waits for. */
  | { kind: 'ignore' }
  /** Keep waiting with the updated record; `timeoutAt`, when set, moves the window's timer. */
  | { kind: 'stay'; record: MessageRecord; timeoutAt?: number }
  /** Go on to `next`. */
  | { kind: 'go'; next: string; record: MessageRecord };

/**
 * The key of a message node's send (and of a webhook node's call): `${instanceId}/${node}`, then
 * `#2`, `#3`... on later visits.
 *
 * @example
 * ```ts
 * messageKey('cart/3/p1/1', 'email', 1); // 'cart/3/p1/1/email'
 * messageKey('cart/3/p1/1', 'email', 2); // 'cart/3/p1/1/email#2'
 * ```
 */
export function messageKey(instanceId: string, node: string, visits: number): string {
  return visits <= 1 ? `${instanceId}/${node}` : `${instanceId}/${node}#${visits}`;
}

/**
 * When the node stops waiting for opens and clicks: the later window's end, or `null` when it
 * waits for neither (then only `sent`/`failed` end the wait).
 *
 * @example
 * ```ts
 * messageWindowEnd({ ...node, on: { opened: { within: { days: 1 }, next: 'a' } } }, queuedAt); // queuedAt + 1 day
 * ```
 */
export function messageWindowEnd(node: MessageNode, queuedAt: number): number | null {
  const { open, click } = deadlines(node, queuedAt);
  if (open === undefined && click === undefined) return null;
  return Math.max(open ?? Number.NEGATIVE_INFINITY, click ?? Number.NEGATIVE_INFINITY);
}

/**
 * What a `message` input means for a node waiting on its message, at `now`, given the timer's
 * current due time (`timeoutAt`).
 *
 * @example
 * ```ts
 * decideMessageResult(node, record, 'clicked', now, timeoutAt); // { kind: 'go', next: 'clicked-path', ... }
 * ```
 */
export function decideMessageResult(
  node: MessageNode,
  record: MessageRecord,
  outcome: 'sent' | 'failed' | 'opened' | 'clicked',
  now: number,
  timeoutAt: number | null,
): MessageDecision {
  const on = node.on ?? {};
  if (outcome === 'sent' || outcome === 'failed') {
    if (record.result !== undefined) return { kind: 'ignore' };
    const recorded: MessageRecord = { ...record, result: outcome };
    if (outcome === 'failed') return { kind: 'go', next: on.failed ?? node.next, record: recorded };
    if (on.sent !== undefined) return { kind: 'go', next: on.sent, record: recorded };
    if (on.opened !== undefined || on.clicked !== undefined) return { kind: 'stay', record: recorded };
    return { kind: 'go', next: node.next, record: recorded };
  }
  const recorded: MessageRecord = { ...record, openedAt: record.openedAt ?? now };
  if (outcome === 'clicked') recorded.clickedAt = record.clickedAt ?? now;
  if (recorded.openedAt === record.openedAt && recorded.clickedAt === record.clickedAt)
    return { kind: 'ignore' };
  return settle(node, recorded, now, timeoutAt);
}

/**
 * Where a message node goes when its window timer comes due: `opened` if an open came within
 * its window, else `next`.
 *
 * @example
 * ```ts
 * messageWindowNext(node, { key, queuedAt, visits: 1 }); // node.next: nothing was opened
 * ```
 */
export function messageWindowNext(node: MessageNode, record: MessageRecord): string {
  const opened = node.on?.opened;
  if (opened !== undefined && openCounts(node, record)) return opened.next;
  return node.next;
}

function settle(
  node: MessageNode,
  record: MessageRecord,
  now: number,
  timeoutAt: number | null,
): MessageDecision {
  const { click } = deadlines(node, record.queuedAt);
  const clicked = node.on?.clicked;
  if (
    clicked !== undefined &&
    click !== undefined &&
    record.clickedAt !== undefined &&
    record.clickedAt <= click
  ) {
    return { kind: 'go', next: clicked.next, record };
  }
  const opened = node.on?.opened;
  if (opened === undefined || !openCounts(node, record)) return { kind: 'stay', record };
  if (click !== undefined && now < click) {
    // The open is settled; only a click could still change the way, so wake up when it no longer can.
    return timeoutAt !== null && click < timeoutAt
      ? { kind: 'stay', record, timeoutAt: click }
      : { kind: 'stay', record };
  }
  return { kind: 'go', next: opened.next, record };
}

function openCounts(node: MessageNode, record: MessageRecord): boolean {
  const { open } = deadlines(node, record.queuedAt);
  return open !== undefined && record.openedAt !== undefined && record.openedAt <= open;
}

function deadlines(node: MessageNode, queuedAt: number): { open?: number; click?: number } {
  const { opened, clicked } = node.on ?? {};
  return {
    ...(opened === undefined ? {} : { open: queuedAt + durationMs(opened.within) }),
    ...(clicked === undefined ? {} : { click: queuedAt + durationMs(clicked.within) }),
  };
}
