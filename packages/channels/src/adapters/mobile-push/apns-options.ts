import { createPrivateKey, type KeyObject } from 'node:crypto';
import { type Clock, ConfigError, validationErrorFromZod } from '@cx/core';
import { z } from 'zod';

/**
 * APNs production.
 *
 * @example
 * ```ts
 * apnsPush({ teamId, keyId, signingKey, topic, origin: APNS_PRODUCTION_ORIGIN });
 * ```
 */
export const APNS_PRODUCTION_ORIGIN = 'https://api.push.apple.com';
/**
 * APNs sandbox, for apps signed with a development provisioning profile.
 *
 * @example
 * ```ts
 * apnsPush({ teamId, keyId, signingKey, topic, origin: APNS_SANDBOX_ORIGIN }); // a development build
 * ```
 */
export const APNS_SANDBOX_ORIGIN = 'https://api.sandbox.push.apple.com';

/**
 * Options of {@link apnsPush}.
 *
 * @example
 * ```ts
 * const options: ApnsPushOptions = {
 *   teamId: 'ABCDE12345',
 *   keyId: 'KEY1234567',
 *   signingKey: readFileSync('AuthKey_KEY1234567.p8', 'utf8'),
 *   topic: 'com.example.app',
 * };
 * ```
 */
export interface ApnsPushOptions {
  /** The Apple Developer team id (10 characters). */
  teamId: string;
  /** The id of the APNs auth key (10 characters). */
  keyId: string;
  /** The auth key: the PKCS#8 PEM inside the `.p8` file Apple lets you download once. */
  signingKey: string;
  /** The app's bundle id, sent as `apns-topic`. */
  topic: string;
  /**
   * The APNs origin; default {@link APNS_PRODUCTION_ORIGIN}. `http://` speaks HTTP/2 without TLS
   * (h2c), for a local test server only.
   */
  origin?: string;
  /** The adapter's id; default `apns`. */
  id?: string;
  /** Where time comes from (token age, `apns-expiration`); the system clock by default. */
  clock?: Clock;
  /** Gives up on one request after this many ms; default 15 000. */
  timeoutMs?: number;
}

/**
 * The options once checked, with the key imported.
 *
 * @example
 * ```ts
 * const { signingKey }: ParsedApnsPushOptions = parseApnsPushOptions(options);
 * ```
 */
export interface ParsedApnsPushOptions extends Omit<ApnsPushOptions, 'signingKey'> {
  signingKey: KeyObject;
}

function p256Key(pem: string): KeyObject | undefined {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      ? key
      : undefined;
  } catch {
    return undefined;
  }
}

const appleId = z.string().regex(/^[A-Z0-9]{10}$/i, 'must be the 10-character id Apple shows');

const optionsSchema = z.strictObject({
  teamId: appleId,
  keyId: appleId,
  signingKey: z.string().refine((pem) => p256Key(pem) !== undefined, 'must be the PEM of a P-256 (.p8) key'),
  topic: z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be the app bundle id'),
  origin: z.url({ protocol: /^https?$/ }).optional(),
  id: z.string().min(1).optional(),
  clock: z
    .custom<Clock>((value) => typeof (value as Clock | null)?.now === 'function', 'Expected a Clock')
    .optional(),
  timeoutMs: z.number().int().positive().optional(),
});

/**
 * Checks {@link ApnsPushOptions} and imports the key; a mistake is a `ConfigError` naming the
 * option, raised when the adapter is made.
 *
 * @example
 * ```ts
 * const { signingKey } = parseApnsPushOptions({ teamId, keyId, signingKey: p8, topic: 'com.example.app' });
 * ```
 */
export function parseApnsPushOptions(options: unknown): ParsedApnsPushOptions {
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const invalid = validationErrorFromZod(result.error, 'apnsPush options');
    throw new ConfigError(invalid.message, { cause: invalid });
  }
  return {
    ...result.data,
    signingKey: p256Key(result.data.signingKey) as KeyObject,
  } as ParsedApnsPushOptions;
}
