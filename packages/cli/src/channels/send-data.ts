import type { Readable } from 'node:stream';
import { ConfigError } from '@cx/core';
import { parseJson, readJsonInput } from './read-json-input';

/**
 * The values for `{{ data.* }}` from `--data '<json>'` or `--data-file <file>` (`-` for stdin):
 * a JSON object, or `{}` when neither is given.
 *
 * @throws `ConfigError` when both are given, or the JSON is not an object.
 * @example
 * ```ts
 * await sendData({ data: '{"coupon":"TET"}' }, process.stdin); // { coupon: 'TET' }
 * ```
 */
export async function sendData(
  flags: { data?: string; 'data-file'?: string },
  stdin: Readable,
): Promise<Record<string, unknown>> {
  if (flags.data !== undefined && flags['data-file'] !== undefined) {
    throw new ConfigError('give --data or --data-file, not both');
  }
  const value =
    flags.data !== undefined
      ? parseJson(flags.data, '--data')
      : flags['data-file'] !== undefined
        ? await readJsonInput(flags['data-file'], stdin)
        : {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('the template data must be a JSON object, such as {"coupon":"TET"}');
  }
  return value as Record<string, unknown>;
}
