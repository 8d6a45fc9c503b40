import { createPublicKey, verify } from 'node:crypto';
import { isCxError, ManualClock } from '@cx/core';
import { describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { createVapidAuthorizer, generateVapidKeys, webPush } from '../../src/adapters/web-push';

const subject = 'mailto:ops@example.com';

function decode(header: string) {
  const match = /^vapid t=(\S+), k=(\S+)$/.exec(header);
  if (!match) throw new Error(`not a vapid header: ${header}`);
  const [head, body, signature] = (match[1] as string).split('.') as [string, string, string];
  return {
    key: match[2] as string,
    header: JSON.parse(Buffer.from(head, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(body, 'base64url').toString()),
    signingInput: Buffer.from(`${head}.${body}`),
    signature: Buffer.from(signature, 'base64url'),
  };
}

describe('VAPID (RFC 8292)', () => {
  it('generates raw P-256 keys in base64url that the web-push library accepts', () => {
    const keys = generateVapidKeys();
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(keys.privateKey, 'base64url')).toHaveLength(32);
    expect(() =>
      webpush.getVapidHeaders('https://push.example', subject, keys.publicKey, keys.privateKey, 'aes128gcm'),
    ).not.toThrow();
  });

  it('signs an ES256 JWT for the endpoint origin that verifies with the public key', () => {
    const keys = generateVapidKeys();
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const header = createVapidAuthorizer(
      { subject, ...keys },
      { clock },
    )('https://push.example:8443/send/abc?x=1');
    const token = decode(header);
    expect(token.key).toBe(keys.publicKey);
    expect(token.header).toEqual({ typ: 'JWT', alg: 'ES256' });
    expect(token.claims).toEqual({
      aud: 'https://push.example:8443',
      exp: clock.now() / 1000 + 12 * 3600,
      sub: subject,
    });
    const point = Buffer.from(keys.publicKey, 'base64url');
    const publicKey = createPublicKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
    });
    expect(token.signature).toHaveLength(64);
    expect(
      verify('sha256', token.signingInput, { key: publicKey, dsaEncoding: 'ieee-p1363' }, token.signature),
    ).toBe(true);
  });

  it('signs with keys the web-push library generated', () => {
    const keys = webpush.generateVAPIDKeys();
    const header = createVapidAuthorizer({ subject: 'https://example.com/contact', ...keys })(
      'https://push.example/x',
    );
    expect(decode(header).claims.sub).toBe('https://example.com/contact');
  });

  it('caches one token per audience and renews it an hour before it expires', () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const authorize = createVapidAuthorizer({ subject, ...generateVapidKeys() }, { clock });
    const first = authorize('https://a.example/1');
    expect(authorize('https://a.example/2')).toBe(first);
    const other = authorize('https://b.example/1');
    expect(other).not.toBe(first);
    expect(decode(other).claims.aud).toBe('https://b.example');
    clock.advance(11 * 3600 * 1000 - 1000);
    expect(authorize('https://a.example/3')).toBe(first);
    clock.advance(1000);
    const renewed = authorize('https://a.example/4');
    expect(renewed).not.toBe(first);
    expect(decode(renewed).claims.exp).toBe(clock.now() / 1000 + 12 * 3600);
  });

  it.each([
    ['a subject that is neither mailto: nor https:', { subject: 'http://example.com' }],
    ['a bare subject', { subject: 'ops@example.com' }],
    ['a public key of the wrong size', { publicKey: Buffer.alloc(33, 4).toString('base64url') }],
    ['a private key that is not base64url', { privateKey: 'not/base64+url==' }],
    ['a key pair that does not belong together', { privateKey: generateVapidKeys().privateKey }],
  ])('refuses %s with a ConfigError', (_what, override) => {
    const error = (() => {
      try {
        webPush({ vapid: { subject, ...generateVapidKeys(), ...override } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isCxError(error, 'CONFIG')).toBe(true);
  });
});
