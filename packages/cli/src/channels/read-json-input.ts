import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ConfigError } from '@cx/core';

/**
 * Reads and parses a JSON file named on the command line, or stdin for `-`.
 *
 * @throws `ConfigError` naming the file when it cannot be read or is not JSON.
 * @example
 * ```ts
 * const data = await readJsonInput('data.json', process.stdin);
 * ```
 */
export async function readJsonInput(file: string, stdin: Readable): Promise<unknown> {
  const name = file === '-' ? 'stdin' : file;
  let content: string;
  try {
    content = file === '-' ? await text(stdin) : await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`cannot read ${name} (${reason})`, { cause: error });
  }
  return parseJson(content, name);
}

/**
 * Parses JSON given on the command line.
 *
 * @throws `ConfigError` naming where it came from when it is not JSON.
 * @example
 * ```ts
 * parseJson('{"coupon":"TET"}', '--data'); // { coupon: 'TET' }
 * ```
 */
export function parseJson(content: string, name: string): unknown {
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new ConfigError(`${name} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
