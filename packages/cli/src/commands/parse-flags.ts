import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError } from '@cx/core';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;
/** What {@link parseFlags} returns: `util.parseArgs`'s typed values and positionals. */
export type ParsedFlags<T extends FlagOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/** Parses flags strictly with `util.parseArgs`, turning its errors into `ConfigError`s. */
export function parseFlags<T extends FlagOptions>(argv: string[], options: T): ParsedFlags<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
}

/** A flag that must be a whole number in a range. */
export function integerFlag(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}
