import { z } from 'zod';

/**
 * A property name or a dotted path into nested properties (`cartId`, `product.category`).
 * Segments are letters, digits, `_`, `-`, `$` or spaces, so a path is safe to put in a SQL
 * JSON path as a bound parameter in both dialects.
 */
export const propertyPathSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_$ -]{1,128}(\.[A-Za-z0-9_$ -]{1,128}){0,7}$/,
    'Expected a property name or dotted path',
  );

/** Reads a dotted path from an object; `undefined` when any part is missing. */
export function readPath(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
