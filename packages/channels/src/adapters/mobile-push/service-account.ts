import { createPrivateKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * The parts of a Google service account key file (the JSON the Cloud console downloads) that cx
 * reads; the rest of the file may be passed along unchanged.
 *
 * @example
 * ```ts
 * const serviceAccount: GoogleServiceAccount = JSON.parse(readFileSync('service-account.json', 'utf8'));
 * ```
 */
export interface GoogleServiceAccount {
  project_id: string;
  client_email: string;
  /** The PKCS#8 PEM of the account's RSA key. */
  private_key: string;
  /** Sent as the JWT `kid`, so Google finds the key without trying each. */
  private_key_id?: string;
  /** The OAuth2 token endpoint; default `https://oauth2.googleapis.com/token`. */
  token_uri?: string;
}

/**
 * Google's OAuth2 token endpoint, where service accounts trade a signed JWT for an access token.
 *
 * @example
 * ```ts
 * const tokenUri = serviceAccount.token_uri ?? GOOGLE_TOKEN_URI;
 * ```
 */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

function rsaKey(pem: string): KeyObject | undefined {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'rsa' ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * zod schema of {@link GoogleServiceAccount}: an RSA private key that parses, an email, a URL.
 *
 * @example
 * ```ts
 * const account = serviceAccountSchema.parse(JSON.parse(readFileSync('service-account.json', 'utf8')));
 * ```
 */
export const serviceAccountSchema = z.looseObject({
  project_id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a Google Cloud project id'),
  client_email: z.email(),
  private_key: z.string().refine((pem) => rsaKey(pem) !== undefined, 'must be the PEM of an RSA private key'),
  private_key_id: z.string().min(1).optional(),
  token_uri: z.url({ protocol: /^https?$/ }).optional(),
});

/**
 * Imports a service account's RSA key for signing.
 *
 * @example
 * ```ts
 * const key = serviceAccountKey(account);
 * ```
 */
export function serviceAccountKey(account: GoogleServiceAccount): KeyObject {
  return createPrivateKey(account.private_key);
}
