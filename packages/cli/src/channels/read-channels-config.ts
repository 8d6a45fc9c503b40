import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, formatPath } from '@cx/core';
import { type ChannelsConfig, channelsConfigSchema } from './channels-config';

/** The file `--channels` defaults to, in the working directory, when it exists. */
export const DEFAULT_CHANNELS_FILE = 'cx.channels.json';

/** A channels config and the file it came from (named in every error about it). */
export interface LoadedChannelsConfig {
  path: string;
  config: ChannelsConfig;
}

/** Options of {@link readChannelsConfig}. */
export interface ReadChannelsConfigOptions {
  /** The environment `{ "env": "NAME" }` secrets are read from. */
  env: Record<string, string | undefined>;
  /** Where a relative path and the default file are looked for; default `process.cwd()`. */
  cwd?: string;
}

/**
 * Reads and validates the channels config `--channels` names, or `./cx.channels.json` when the flag
 * is absent and that file exists; `null` when neither. Secrets are resolved here, so a missing
 * variable stops the command before anything is stored or sent.
 *
 * @throws `ConfigError` naming the file and, for each problem, its path in the JSON
 * (`adapters[1].token: environment variable SMS_TOKEN is not set`).
 * @example
 * ```ts
 * const loaded = await readChannelsConfig('cx.channels.json', { env: process.env });
 * ```
 */
export async function readChannelsConfig(
  flag: string | undefined,
  options: ReadChannelsConfigOptions,
): Promise<LoadedChannelsConfig | null> {
  const cwd = options.cwd ?? process.cwd();
  const path = flag ?? DEFAULT_CHANNELS_FILE;
  const absolute = resolve(cwd, path);
  if (flag === undefined && !existsSync(absolute)) return null;
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`cannot read the channels config ${path} (${reason})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the channels config ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const result = channelsConfigSchema({ env: options.env, baseDir: dirname(absolute) }).safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  ${issue.path.length > 0 ? formatPath(issue.path) : '(root)'}: ${issue.message}`,
    );
    throw new ConfigError(`the channels config ${path} is invalid:\n${lines.join('\n')}`, {
      cause: result.error,
    });
  }
  return { path, config: result.data };
}
