import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Where the secrets of a channels config come from. */
export interface SecretSources {
  /** The environment `{ "env": "NAME" }` reads. */
  env: Record<string, string | undefined>;
  /** The directory `{ "file": "…" }` paths are relative to: the config file's own. */
  baseDir: string;
}

/**
 * A secret as a channels config writes it: the value itself (fine for local tests), `{ "env":
 * "NAME" }` (read from the environment) or `{ "file": "path" }` (read from a file, such as an APNs
 * `.p8` key or a Google service account JSON), so the config file itself can be committed.
 */
export type SecretRef = string | { env: string } | { file: string };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The zod schema of a {@link SecretRef} that resolves it while parsing: the output is the secret's
 * text. A variable that is unset (or empty) or a file that cannot be read is an issue at the
 * secret's own path, so one error lists every missing secret of the config.
 *
 * @example
 * ```ts
 * const token = secretSchema({ env: process.env, baseDir: '.' });
 * token.parse({ env: 'SMS_GATEWAY_TOKEN' }); // the variable's value
 * ```
 */
export function secretSchema(sources: SecretSources) {
  return z
    .union([
      z.string().min(1),
      z.strictObject({ env: z.string().regex(ENV_NAME, 'must be an environment variable name') }),
      z.strictObject({ file: z.string().min(1) }),
    ])
    .transform((ref, context) => {
      if (typeof ref === 'string') return ref;
      if ('env' in ref) {
        const value = sources.env[ref.env];
        // An empty variable is a mistake in a deployment, not an empty secret.
        if (value !== undefined && value !== '') return value;
        context.addIssue({ code: 'custom', message: `environment variable ${ref.env} is not set` });
        return z.NEVER;
      }
      try {
        return readFileSync(resolve(sources.baseDir, ref.file), 'utf8');
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? String(error);
        context.addIssue({ code: 'custom', message: `cannot read the file ${ref.file} (${reason})` });
        return z.NEVER;
      }
    });
}
