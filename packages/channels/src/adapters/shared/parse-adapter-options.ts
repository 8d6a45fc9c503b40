import { type Clock, ConfigError, formatPath } from '@cx/core';
import { z } from 'zod';

/**
 * Parses an adapter's options, turning a zod failure into a `ConfigError` that names each bad
 * option: a wrong option is a setup mistake, found when the adapter is made, not on the first send.
 *
 * @example
 * ```ts
 * const config = parseAdapterOptions(z.object({ url: z.url() }), options, 'httpSms');
 * // ConfigError: httpSms options: url: Invalid URL
 * ```
 */
export function parseAdapterOptions<S extends z.ZodType>(
  schema: S,
  options: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => (issue.path.length > 0 ? `${formatPath(issue.path)}: ${issue.message}` : issue.message))
    .join('; ');
  throw new ConfigError(`${what} options: ${problems}`, { cause: result.error });
}

/** An injected clock in adapter options: anything with `now()`. */
export const clockOptionSchema = z.custom<Clock>(
  (value) => typeof (value as Clock | undefined)?.now === 'function',
  'must have a now() method',
);
