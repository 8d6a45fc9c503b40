import { createECDH, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { isCxError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { deriveWebPushKeys, encryptAes128gcm } from '../../src/adapters/web-push/aes128gcm';
import { decryptAes128gcm } from './support/decrypt-aes128gcm';

const b64 = (text: string) => Buffer.from(text, 'base64url');

/** RFC 8291 §5, "Push Message Encryption Example". */
const rfc8291 = {
  plaintext: 'When I grow up, I want to be a watermelon',
  userAgentPrivateKey: b64('q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94'),
  userAgentPublicKey: b64(
    'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  ),
  authSecret: b64('BTBZMqHH6r4Tts7J_aSIgg'),
  senderKeys: {
    privateKey: b64('yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw'),
    publicKey: b64('BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8'),
  },
  salt: b64('DGv6ra1nlYgDCS1FRnbzlw'),
  ikm: 'S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg',
  prk: '09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc',
  cek: 'oIhVW04MRdy2XN9CiKLxTg',
  nonce: '4h_95klXJ5E_qnoN',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqK' +
    'K6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

function receiver() {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  return { publicKey, privateKey: ecdh.getPrivateKey(), authSecret: randomBytes(16) };
}

describe('aes128gcm (RFC 8291 with RFC 8188)', () => {
  it('derives the intermediate values of the RFC 8291 §5 example', () => {
    const keys = deriveWebPushKeys(rfc8291);
    expect(keys.ikm.toString('base64url')).toBe(rfc8291.ikm);
    expect(keys.prk.toString('base64url')).toBe(rfc8291.prk);
    expect(keys.cek.toString('base64url')).toBe(rfc8291.cek);
    expect(keys.nonce.toString('base64url')).toBe(rfc8291.nonce);
  });

  it('reproduces the RFC 8291 §5 encrypted body byte for byte', () => {
    const body = encryptAes128gcm(rfc8291);
    expect(body.toString('base64url')).toBe(rfc8291.body);
  });

  it('decrypts the RFC body with the user agent private key (the test decryptor is right too)', () => {
    const plain = decryptAes128gcm(b64(rfc8291.body), {
      privateKey: rfc8291.userAgentPrivateKey,
      authSecret: rfc8291.authSecret,
    });
    expect(plain.toString()).toBe(rfc8291.plaintext);
  });

  it('round-trips with a fresh salt and ephemeral key each time', () => {
    const ua = receiver();
    const text = JSON.stringify({ title: 'Xin chào', body: 'Đơn hàng đã giao 🎉' });
    const one = encryptAes128gcm({
      plaintext: text,
      userAgentPublicKey: ua.publicKey,
      authSecret: ua.authSecret,
    });
    const two = encryptAes128gcm({
      plaintext: text,
      userAgentPublicKey: ua.publicKey,
      authSecret: ua.authSecret,
    });
    expect(one.subarray(0, 16).equals(two.subarray(0, 16))).toBe(false);
    expect(one.subarray(21, 86).equals(two.subarray(21, 86))).toBe(false);
    expect(one.readUInt32BE(16)).toBe(4096);
    expect(one.length).toBe(86 + Buffer.byteLength(text) + 17);
    expect(decryptAes128gcm(one, ua).toString()).toBe(text);
    expect(decryptAes128gcm(two, ua).toString()).toBe(text);
  });

  it('agrees with the web-push library: its http_ece decrypts ours, and ours decrypts its', () => {
    const ua = receiver();
    const ece = createRequire(createRequire(import.meta.url).resolve('web-push'))('http_ece') as {
      decrypt(buffer: Buffer, params: Record<string, unknown>): Buffer;
    };
    const ours = encryptAes128gcm({
      plaintext: 'from cx',
      userAgentPublicKey: ua.publicKey,
      authSecret: ua.authSecret,
    });
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(ua.privateKey);
    expect(
      ece.decrypt(ours, { version: 'aes128gcm', privateKey: ecdh, authSecret: ua.authSecret }).toString(),
    ).toBe('from cx');
    const theirs = webpush.encrypt(
      ua.publicKey.toString('base64url'),
      ua.authSecret.toString('base64url'),
      'from web-push',
      'aes128gcm',
    );
    expect(decryptAes128gcm(theirs.cipherText, ua).toString()).toBe('from web-push');
  });

  it.each([
    ['a short p256dh', { userAgentPublicKey: randomBytes(33) }],
    [
      'a p256dh off the curve',
      { userAgentPublicKey: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]) },
    ],
    ['a short auth secret', { authSecret: randomBytes(8) }],
    ['a plaintext larger than one record', { plaintext: 'x'.repeat(4080) }],
  ])('refuses %s with a ValidationError', (_what, override) => {
    const ua = receiver();
    const error = (() => {
      try {
        encryptAes128gcm({
          plaintext: 'hi',
          userAgentPublicKey: ua.publicKey,
          authSecret: ua.authSecret,
          ...override,
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isCxError(error, 'VALIDATION')).toBe(true);
  });
});
