import type { InstanceState } from './step-types';

/** What the instance remembers of a message node it ran, in `data.messages[node]`. */
export interface MessageRecord {
  /** The send effect's key, which the outbox's results come back with. */
  key: string;
  /** When the node queued it: the message windows start here. */
  queuedAt: number;
  /** How many times the instance ran the node (more than 1 in a loop). */
  visits: number;
  /** `sent` or `failed`, once the outbox reported it. */
  result?: 'sent' | 'failed';
  /** The first open (a click counts as one). */
  openedAt?: number;
  /** The first click. */
  clickedAt?: number;
}

/**
 * One entry of a record-valued field of `data` (`messages`, `splits`, `experiments`), or
 * `undefined`. Data is plain JSON from storage, so the shape is checked, not assumed.
 *
 * @example
 * ```ts
 * readDataEntry(state, 'splits', 'split-1'); // 'variant-b'
 * ```
 */
export function readDataEntry(state: InstanceState, field: string, key: string): unknown {
  const record = state.data[field];
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  return Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

/**
 * The state with `data[field][key] = value`, copying only the objects on the way so the input
 * state (which may be frozen, or shared with the caller) is never changed.
 *
 * @example
 * ```ts
 * const next = withDataEntry(state, 'experiments', 'checkout-test', 'b');
 * next.data.experiments; // { ...earlier experiments, 'checkout-test': 'b' }
 * ```
 */
export function withDataEntry(
  state: InstanceState,
  field: string,
  key: string,
  value: unknown,
): InstanceState {
  const current = state.data[field];
  const record = current !== null && typeof current === 'object' && !Array.isArray(current) ? current : {};
  return { ...state, data: { ...state.data, [field]: { ...record, [key]: value } } };
}

/**
 * The message record of a node, or `undefined` when the instance has not run it.
 *
 * @example
 * ```ts
 * readMessageRecord(state, 'email-1')?.openedAt;
 * ```
 */
export function readMessageRecord(state: InstanceState, node: string): MessageRecord | undefined {
  const record = readDataEntry(state, 'messages', node);
  if (record === null || typeof record !== 'object') return undefined;
  const { key, queuedAt, visits } = record as Partial<MessageRecord>;
  if (typeof key !== 'string' || typeof queuedAt !== 'number' || typeof visits !== 'number') return undefined;
  return record as MessageRecord;
}
