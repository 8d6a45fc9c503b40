import { type KeyObject, sign } from 'node:crypto';

/**
 * The JOSE header of a token cx signs: ES256 (VAPID, APNs) or RS256 (Google service accounts).
 *
 * @example
 * ```ts
 * const header: JwtHeader = { alg: 'ES256', kid: 'KEY1234567' };
 * ```
 */
export interface JwtHeader {
  alg: 'ES256' | 'RS256';
  typ?: 'JWT';
  /** The signing key's id (APNs key id, Google `private_key_id`). */
  kid?: string;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs a compact JWS (RFC 7515) with node:crypto. ES256 signatures are the raw 64-byte `r || s`
 * JOSE expects (`ieee-p1363`), not the DER form OpenSSL produces by default, which push services
 * and APNs refuse.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
 * const token = signJwt({ alg: 'ES256', typ: 'JWT' }, { sub: 'mailto:ops@example.com' }, privateKey);
 * ```
 */
export function signJwt(header: JwtHeader, claims: Record<string, unknown>, key: KeyObject): string {
  const input = `${base64url(header)}.${base64url(claims)}`;
  const signature =
    header.alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}
