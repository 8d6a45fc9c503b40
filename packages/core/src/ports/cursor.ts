import { ValidationError } from '../errors/errors';

/**
 * Cursors are opaque to callers: adapters encode their position as base64url JSON so that a
 * cursor from one adapter can never be mistaken for a page number.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}, checking it has the expected numeric or string keys. */
export function decodeCursor(
  cursor: string,
  keys: Readonly<Record<string, 'number' | 'string'>>,
): Record<string, number | string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('Invalid cursor: not a cursor returned by this store', [
      { path: 'cursor', message: 'Malformed cursor', code: 'invalid_cursor' },
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new ValidationError('Invalid cursor: not a cursor returned by this store', [
      { path: 'cursor', message: 'Malformed cursor', code: 'invalid_cursor' },
    ]);
  }
  for (const [key, kind] of Object.entries(keys)) {
    if (typeof (parsed as Record<string, unknown>)[key] !== kind) {
      throw new ValidationError(`Invalid cursor: missing ${key}`, [
        { path: 'cursor', message: `Cursor has no ${key}`, code: 'invalid_cursor' },
      ]);
    }
  }
  return parsed as never;
}
