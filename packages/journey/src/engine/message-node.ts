import type { MessageNode } from '../definition/journey-types';
import { type MessageRecord, readMessageRecord, withDataEntry } from './instance-data';
import { startWaiting } from './instance-transitions';
import { messageKey, messageWindowEnd } from './message-waits';
import type { Run } from './run-context';

/**
 * `message`: a `send` effect (category `marketing` unless set; template data is the instance's
 * data, the node's data over it, and the entry as `entry`), and `data.messages[node]` recorded.
 * Without `on`, on to `next` at once; with `on`, the instance waits for the result keyed by the
 * send's key, with a timer at the end of the opened/clicked windows when there are any.
 *
 * @example
 * ```ts
 * runMessage(run, {
 *   type: 'message', id: 'push', channels: ['web-push'], templates: { 'web-push': 'cart-push' },
 *   next: 'wait-order',
 * }); // 'wait-order'
 * ```
 */
export function runMessage(run: Run, node: MessageNode): string | null {
  const visits = (readMessageRecord(run.state, node.id)?.visits ?? 0) + 1;
  const key = messageKey(run.state.id, node.id, visits);
  run.effects.push({
    type: 'send',
    node: node.id,
    key,
    channels: node.channels,
    templates: node.templates,
    category: node.category ?? 'marketing',
    ...(node.topic === undefined ? {} : { topic: node.topic }),
    data: { ...run.state.data, ...node.data, entry: run.state.entry },
  });
  const record: MessageRecord = { key, queuedAt: run.now, visits };
  run.state = withDataEntry(run.state, 'messages', node.id, record);
  if (node.on === undefined) return node.next;
  const timeoutAt = messageWindowEnd(node, run.now);
  run.state = startWaiting(
    run.state,
    { kind: 'message', node: node.id, messageId: key, timeoutAt },
    run.effects,
  );
  return null;
}
