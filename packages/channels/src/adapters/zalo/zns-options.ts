import type { Clock } from '@cx/core';
import { z } from 'zod';

/** Options of `zaloZns`. */
export interface ZaloZnsOptions {
  /** The OA access token, or a function that reads the current one from your token store. */
  accessToken: string | (() => Promise<string>);
  /**
   * Called when Zalo answers -124 (access token invalid or expired): returns a new access token
   * (exchange your refresh token, store both, return the access token). The send is then retried
   * once with it. Without it, -124 is a `ProviderRejectedError`.
   */
  refreshAccessToken?: () => Promise<string>;
  /** Your Zalo app id: with `oaSecretKey`, enables `parseWebhook`. */
  appId?: string;
  /** The OA secret key webhooks are signed with: with `appId`, enables `parseWebhook`. */
  oaSecretKey?: string;
  /** API origin; default `https://business.openapi.zalo.me`. */
  baseUrl?: string;
  /** `development`: Zalo's test mode, which sends only to the OA's admins and is not billed. */
  mode?: 'development';
  /** Adapter id; default `zns`. */
  id?: string;
  /** Per-request timeout in ms; default 15 000. */
  timeoutMs?: number;
  /** The clock waits (quiet hours, daily quota) are measured from; default the system clock. */
  clock?: Clock;
}

const asyncFunction = <T>(what: string) =>
  z.custom<() => Promise<T>>((value) => typeof value === 'function', `${what} must be a function`);

/**
 * zod schema of {@link ZaloZnsOptions}; the factory parses its options with it (a failure is a `ConfigError`).
 *
 * @example
 * ```ts
 * zaloZnsOptionsSchema.safeParse(options).success; // false for missing or malformed options
 * ```
 */
export const zaloZnsOptionsSchema = z
  .strictObject({
    accessToken: z.union([z.string().min(1), asyncFunction<string>('accessToken')]),
    refreshAccessToken: asyncFunction<string>('refreshAccessToken').optional(),
    appId: z.string().min(1).optional(),
    oaSecretKey: z.string().min(1).optional(),
    baseUrl: z.url().optional(),
    mode: z.literal('development').optional(),
    id: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().optional(),
    clock: z
      .custom<Clock>(
        (value) => typeof (value as Clock | undefined)?.now === 'function',
        'must have a now() method',
      )
      .optional(),
  })
  .refine((options) => (options.appId === undefined) === (options.oaSecretKey === undefined), {
    message: 'webhooks need both appId and oaSecretKey',
    path: ['oaSecretKey'],
  });
