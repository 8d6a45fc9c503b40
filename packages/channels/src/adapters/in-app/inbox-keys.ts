import { createHash } from 'node:crypto';

/**
 * The document collection of every inbox. Per profile it holds three kinds of documents, under
 * keys that start with the profile's own segment so nothing of one profile is ever read under
 * another's prefix:
 *
 * - `<profile>/e/<inverted seq>`: the message itself (an `InboxMessage`). `seq` counts the
 *   profile's deliveries (1, 2, 3…), so the key orders messages by delivery; it is written as
 *   `999999999999999 - seq`, 15 digits, because `documents.list` returns keys in ascending order
 *   and the inbox wants the newest first. Message ids cannot be the key: the outbox makes them
 *   deterministic (source + step + profile), not time-ordered.
 * - `<profile>/m/<message id>`: `{ seq }`, the lookup from a message id to its entry; written once
 *   with `expectedVersion: 0`, which is what makes a redelivery a no-op.
 * - `<profile>/counter`: `{ seq, unread }`, the last seq given out and the unread count. Every
 *   write that adds or changes messages updates it in the same `putMany`, with expected versions,
 *   so `unreadCount` is one read and never drifts from the messages.
 *
 * @internal
 */
export const INBOX_COLLECTION = 'channels.inbox';

/** Above any seq a profile will reach, and still a safe integer. */
const MAX_SEQ = 999_999_999_999_999;
const SEQ_DIGITS = 15;
/** Segments longer than this (escaped) are hashed, so every key stays under the 512-character limit. */
const MAX_SEGMENT = 200;

/**
 * A profile or message id as one key segment: `%`, `/` and `~` are escaped, so profile `a/e`
 * cannot reach into profile `a`'s keys and a plain id never looks like a hashed one (`~…`).
 */
export function keySegment(value: string): string {
  const escaped = value.replace(/%/g, '%25').replace(/\//g, '%2F').replace(/~/g, '%7E');
  if (escaped.length <= MAX_SEGMENT) return escaped;
  return `~${createHash('sha256').update(value).digest('base64url')}`;
}

/** The prefix of every message entry of a profile, newest first. */
export const entryPrefix = (profileId: string) => `${keySegment(profileId)}/e/`;

/** The key of a profile's `seq`-th message. */
export const entryKey = (profileId: string, seq: number) =>
  `${entryPrefix(profileId)}${String(MAX_SEQ - seq).padStart(SEQ_DIGITS, '0')}`;

/** The seq of an entry key made by {@link entryKey}. */
export const seqOfEntryKey = (key: string) => MAX_SEQ - Number(key.slice(-SEQ_DIGITS));

/** The key of the lookup from a message id to its entry. */
export const lookupKey = (profileId: string, messageId: string) =>
  `${keySegment(profileId)}/m/${keySegment(messageId)}`;

/** The key of a profile's counter document. */
export const counterKey = (profileId: string) => `${keySegment(profileId)}/counter`;

/** The lookup document: which entry holds a message. */
export interface InboxLookup {
  seq: number;
}

/** The counter document: the last seq given out, and how many messages are unread. */
export interface InboxCounter {
  seq: number;
  unread: number;
}
