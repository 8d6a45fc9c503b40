import { ValidationError } from '@cx/core';

/**
 * Where a listing stopped: the storage cursor of the page that held the last message returned
 * (`c`, `null` for the first page) and that message's key (`k`). The next call lists that page
 * again and skips up to `k`, because a status filter can stop in the middle of a storage page and
 * storage cursors are opaque. Keys never change, so the position holds while messages are
 * delivered (they sort before it) or change status.
 */
export interface InboxPosition {
  c: string | null;
  k: string;
}

const invalid = (message: string) =>
  new ValidationError(`Invalid inbox cursor: ${message}`, [
    { path: 'cursor', message, code: 'invalid_cursor' },
  ]);

/** The opaque cursor for a position. */
export function encodeInboxCursor(position: InboxPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * The position in a cursor made by {@link encodeInboxCursor} for this profile's listing; anything
 * else (another profile's cursor included) is a `ValidationError`.
 */
export function decodeInboxCursor(cursor: string, prefix: string): InboxPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor returned by this inbox');
  }
  const { c, k } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof k !== 'string' || !(c === null || typeof c === 'string')) {
    throw invalid('not a cursor returned by this inbox');
  }
  if (!k.startsWith(prefix)) throw invalid("not a cursor of this profile's inbox");
  return { c, k };
}
