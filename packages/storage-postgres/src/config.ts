import { ConfigError, validationErrorFromZod } from '@cx/core';
import type { Pool } from 'pg';
import { z } from 'zod';

/**
 * A `pg.Pool` (or anything pool-shaped: `query`, `connect`). Checked by shape rather than with
 * `instanceof`, which fails when the application and cx resolve two copies of `pg`.
 */
export const poolSchema = z.custom<Pool>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Pool).query === 'function' &&
    typeof (value as Pool).connect === 'function',
  { message: 'Expected a pg Pool' },
);

/** Parses options with `schema`, throwing a `ConfigError` that names every problem. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const error = validationErrorFromZod(result.error, what);
    throw new ConfigError(error.message, { cause: error });
  }
  return result.data;
}
