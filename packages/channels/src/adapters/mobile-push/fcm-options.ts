import { type Clock, ConfigError, validationErrorFromZod } from '@cx/core';
import { z } from 'zod';
import { type GoogleServiceAccount, serviceAccountSchema } from './service-account';

/**
 * Options of {@link fcmPush}.
 *
 * @example
 * ```ts
 * const options: FcmPushOptions = { serviceAccount: JSON.parse(readFileSync('service-account.json', 'utf8')) };
 * ```
 */
export interface FcmPushOptions {
  /** The service account key file's JSON, parsed: it needs the Firebase Cloud Messaging API Admin role. */
  serviceAccount: GoogleServiceAccount;
  /** The FCM API origin; default `https://fcm.googleapis.com`. */
  baseUrl?: string;
  /** The adapter's id; default `fcm`. */
  id?: string;
  /** Where time comes from (token expiry, `apns-expiration`); the system clock by default. */
  clock?: Clock;
  /** Gives up on FCM or the token endpoint after this many ms; default 15 000. */
  timeoutMs?: number;
}

const optionsSchema = z.strictObject({
  serviceAccount: serviceAccountSchema,
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  id: z.string().min(1).optional(),
  clock: z
    .custom<Clock>((value) => typeof (value as Clock | null)?.now === 'function', 'Expected a Clock')
    .optional(),
  timeoutMs: z.number().int().positive().optional(),
});

/**
 * Checks {@link FcmPushOptions}; a mistake (a key that is not an RSA PEM, a missing project id) is
 * a `ConfigError` naming the option, raised when the adapter is made.
 *
 * @example
 * ```ts
 * const options = parseFcmPushOptions({ serviceAccount: JSON.parse(serviceAccountJson) });
 * ```
 */
export function parseFcmPushOptions(options: unknown): FcmPushOptions {
  const result = optionsSchema.safeParse(options);
  if (result.success) return result.data as FcmPushOptions;
  const invalid = validationErrorFromZod(result.error, 'fcmPush options');
  throw new ConfigError(invalid.message, { cause: invalid });
}
