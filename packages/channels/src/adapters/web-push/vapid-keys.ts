import { createECDH, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * A VAPID key pair as browsers and push services spell it: raw P-256 keys in base64url.
 *
 * @example
 * ```ts
 * const keys: VapidKeys = generateVapidKeys();
 * ```
 */
export interface VapidKeys {
  /** The uncompressed public point (65 bytes), the `applicationServerKey` browsers subscribe with. */
  publicKey: string;
  /** The private scalar (32 bytes). Keep it secret. */
  privateKey: string;
}

/**
 * Makes a new VAPID key pair. Generate it once, store both halves as secrets, and give browsers
 * the public key as `applicationServerKey`: every subscription is bound to it, so a new pair
 * orphans every existing subscription.
 *
 * @example
 * ```ts
 * import { generateVapidKeys } from '@cx/channels/web-push';
 * const { publicKey, privateKey } = generateVapidKeys();
 * ```
 */
export function generateVapidKeys(): VapidKeys {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // The JWK form always carries full 32-byte coordinates, so no key comes out short.
  const jwk = privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([
    Uint8Array.of(4),
    Buffer.from(jwk.x as string, 'base64url'),
    Buffer.from(jwk.y as string, 'base64url'),
  ]);
  return { publicKey: point.toString('base64url'), privateKey: jwk.d as string };
}

/**
 * Why a VAPID key pair cannot be used, or `undefined` when it can: the public key must be an
 * uncompressed P-256 point, the private key a 32-byte scalar, and the two must belong together.
 *
 * @example
 * ```ts
 * const problem = vapidKeyProblem(generateVapidKeys()); // undefined
 * ```
 */
export function vapidKeyProblem(keys: VapidKeys): string | undefined {
  const publicKey = Buffer.from(keys.publicKey, 'base64url');
  const privateKey = Buffer.from(keys.privateKey, 'base64url');
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) {
    return 'publicKey must be a base64url uncompressed P-256 point (65 bytes)';
  }
  if (privateKey.length !== 32) return 'privateKey must be a base64url P-256 private key (32 bytes)';
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(privateKey);
    if (!ecdh.getPublicKey().equals(publicKey)) return 'publicKey does not belong to privateKey';
  } catch {
    return 'privateKey is not a valid P-256 private key';
  }
  return undefined;
}

/**
 * Imports a VAPID private key for signing, through JWK so that no ASN.1 has to be written by hand.
 *
 * @example
 * ```ts
 * const key = vapidSigningKey(generateVapidKeys());
 * ```
 */
export function vapidSigningKey(keys: VapidKeys): KeyObject {
  const point = Buffer.from(keys.publicKey, 'base64url');
  return createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
      d: keys.privateKey,
    },
  });
}
