import { createCipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';
import { ValidationError } from '@cx/core';

/**
 * A raw P-256 key pair: the 65-byte uncompressed public point and the 32-byte private scalar.
 *
 * @example
 * ```ts
 * const ecdh = createECDH('prime256v1');
 * const senderKeys: P256KeyPair = { publicKey: ecdh.generateKeys(), privateKey: ecdh.getPrivateKey() };
 * ```
 */
export interface P256KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/**
 * Inputs of the RFC 8291 key schedule.
 *
 * @example
 * ```ts
 * const inputs: WebPushKeyInputs = { userAgentPublicKey, authSecret, salt: randomBytes(16), senderKeys };
 * ```
 */
export interface WebPushKeyInputs {
  /** The subscription's `p256dh` key: the user agent's public key, 65 bytes uncompressed. */
  userAgentPublicKey: Uint8Array;
  /** The subscription's `auth` secret, 16 bytes. */
  authSecret: Uint8Array;
  /** The RFC 8188 salt, 16 bytes. */
  salt: Uint8Array;
  /** The application server's ephemeral key pair for this one message. */
  senderKeys: P256KeyPair;
}

/**
 * Every secret the RFC 8291 key schedule derives, in order.
 *
 * @example
 * ```ts
 * const { cek, nonce }: WebPushKeys = deriveWebPushKeys(inputs);
 * ```
 */
export interface WebPushKeys {
  /** The input keying material mixed from the ECDH secret and the auth secret. */
  ikm: Buffer;
  /** The pseudo-random key extracted from `ikm` with the salt. */
  prk: Buffer;
  /** The AES-128-GCM content encryption key. */
  cek: Buffer;
  /** The 96-bit nonce of the one and only record. */
  nonce: Buffer;
}

/**
 * Options of {@link encryptAes128gcm}.
 *
 * @example
 * ```ts
 * const options: Aes128gcmOptions = { plaintext: 'hi', userAgentPublicKey, authSecret };
 * ```
 */
export interface Aes128gcmOptions {
  /** What to encrypt; strings are UTF-8. */
  plaintext: Uint8Array | string;
  /** The subscription's `p256dh` key, 65 bytes uncompressed. */
  userAgentPublicKey: Uint8Array;
  /** The subscription's `auth` secret, 16 bytes. */
  authSecret: Uint8Array;
  /** 16 fresh random bytes by default; inject only to reproduce a test vector. */
  salt?: Uint8Array;
  /** A fresh key pair by default; inject only to reproduce a test vector. */
  senderKeys?: P256KeyPair;
}

/**
 * RFC 8291 §4: the record size cx declares, the largest a push service must accept.
 *
 * @example
 * ```ts
 * encryptAes128gcm(options).readUInt32BE(16) === RECORD_SIZE; // the rs field
 * ```
 */
export const RECORD_SIZE = 4096;
/**
 * salt (16) + rs (4) + idlen (1) + keyid (65): the RFC 8188 header with the sender key as key id.
 *
 * @example
 * ```ts
 * const bodyBytes = HEADER_BYTES + plaintext.length + RECORD_OVERHEAD;
 * ```
 */
export const HEADER_BYTES = 86;
/**
 * The padding delimiter (1) and the GCM tag (16) every record carries.
 *
 * @example
 * ```ts
 * const bodyBytes = HEADER_BYTES + plaintext.length + RECORD_OVERHEAD;
 * ```
 */
export const RECORD_OVERHEAD = 17;

const hmac = (key: Uint8Array, ...data: Uint8Array[]) => {
  const mac = createHmac('sha256', key);
  for (const part of data) mac.update(part);
  return mac.digest();
};

/** HKDF-SHA256 (RFC 5869) for one output block, which is all RFC 8291 ever asks for (≤ 32 bytes). */
const expand = (prk: Uint8Array, info: Uint8Array, length: number) =>
  hmac(prk, info, Uint8Array.of(1)).subarray(0, length);

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`web push encryption: ${path}: ${message}`, [{ path, message, code: 'custom' }]);
}

function checkKeys(userAgentPublicKey: Uint8Array, authSecret: Uint8Array): void {
  if (userAgentPublicKey.length !== 65 || userAgentPublicKey[0] !== 0x04) {
    throw invalid('keys.p256dh', 'must be an uncompressed P-256 point (65 bytes)');
  }
  if (authSecret.length !== 16) throw invalid('keys.auth', 'must be 16 bytes');
}

/**
 * Runs the RFC 8291 §3.4 key schedule: ECDH, then HKDF with the auth secret, then HKDF with the
 * salt. Exposed so the RFC's intermediate values can be checked one by one.
 *
 * @example
 * ```ts
 * const { cek, nonce } = deriveWebPushKeys({ userAgentPublicKey, authSecret, salt, senderKeys });
 * ```
 */
export function deriveWebPushKeys(inputs: WebPushKeyInputs): WebPushKeys {
  const { userAgentPublicKey, authSecret, salt, senderKeys } = inputs;
  checkKeys(userAgentPublicKey, authSecret);
  if (salt.length !== 16) throw invalid('salt', 'must be 16 bytes');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(senderKeys.privateKey);
  const senderPublicKey = ecdh.getPublicKey();
  if (!senderPublicKey.equals(senderKeys.publicKey)) {
    throw invalid('senderKeys', 'the public key does not belong to the private key');
  }
  let sharedSecret: Buffer;
  try {
    sharedSecret = ecdh.computeSecret(userAgentPublicKey);
  } catch (cause) {
    throw new ValidationError(
      'web push encryption: keys.p256dh: not a point on P-256',
      [{ path: 'keys.p256dh', message: 'not a point on P-256', code: 'custom' }],
      { cause },
    );
  }
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), userAgentPublicKey, senderPublicKey]);
  const ikm = expand(hmac(authSecret, sharedSecret), keyInfo, 32);
  const prk = hmac(salt, ikm);
  return {
    ikm,
    prk,
    cek: expand(prk, Buffer.from('Content-Encoding: aes128gcm\0'), 16),
    nonce: expand(prk, Buffer.from('Content-Encoding: nonce\0'), 12),
  };
}

/** A fresh ephemeral P-256 key pair, one per message as RFC 8291 requires. */
function ephemeralKeys(): P256KeyPair {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  return { publicKey, privateKey: ecdh.getPrivateKey() };
}

/**
 * Encrypts a web push message body: RFC 8291 (Message Encryption for Web Push) in the RFC 8188
 * `aes128gcm` content coding, as one record with no padding, the sender's public key as key id.
 * The result is the whole HTTP body, header included.
 *
 * @throws `ValidationError` when a subscription key is malformed or the plaintext does not fit
 *   one 4096-byte record.
 *
 * @example
 * ```ts
 * const body = encryptAes128gcm({
 *   plaintext: JSON.stringify({ title: 'Hi' }),
 *   userAgentPublicKey: Buffer.from(subscription.keys.p256dh, 'base64url'),
 *   authSecret: Buffer.from(subscription.keys.auth, 'base64url'),
 * });
 * ```
 */
export function encryptAes128gcm(options: Aes128gcmOptions): Buffer {
  const plaintext =
    typeof options.plaintext === 'string' ? Buffer.from(options.plaintext, 'utf8') : options.plaintext;
  // One record only (RFC 8291 §4), so the plaintext, its delimiter and the tag must fit it.
  if (plaintext.length + RECORD_OVERHEAD > RECORD_SIZE) {
    throw invalid('plaintext', `${plaintext.length} bytes do not fit one ${RECORD_SIZE}-byte record`);
  }
  const salt = options.salt ?? randomBytes(16);
  const senderKeys = options.senderKeys ?? ephemeralKeys();
  const { cek, nonce } = deriveWebPushKeys({
    userAgentPublicKey: options.userAgentPublicKey,
    authSecret: options.authSecret,
    salt,
    senderKeys,
  });
  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  // 0x02 marks the last (and only) record; no padding octets follow it.
  const ciphertext = Buffer.concat([
    cipher.update(plaintext),
    cipher.update(Uint8Array.of(2)),
    cipher.final(),
  ]);
  const header = Buffer.alloc(HEADER_BYTES);
  Buffer.from(salt).copy(header, 0);
  header.writeUInt32BE(RECORD_SIZE, 16);
  header.writeUInt8(65, 20);
  Buffer.from(senderKeys.publicKey).copy(header, 21);
  return Buffer.concat([header, ciphertext, cipher.getAuthTag()]);
}
