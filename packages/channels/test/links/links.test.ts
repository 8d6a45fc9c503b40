import { isCxError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createLinkSigner, messageIdFor, messageLinks, tokenWorkspace } from '../../src';

const SECRET = 'a-link-secret-of-at-least-thirty-two-characters';
const OLD = 'an-older-secret-still-accepted-while-rotating';

describe('signed links', () => {
  it('round-trips a payload, refuses a tampered one, and accepts old secrets while rotating', () => {
    const old = createLinkSigner({ secret: OLD });
    const signer = createLinkSigner({ secret: [SECRET, OLD] });
    const token = signer.sign({ p: 'p1', a: 'unsubscribe' });
    expect(signer.verify(token)).toEqual({ p: 'p1', a: 'unsubscribe' });
    expect(signer.verify(old.sign({ p: 'p2' }))).toEqual({ p: 'p2' });
    const [body, mac] = token.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ p: 'p9', a: 'unsubscribe' })).toString('base64url')}.${mac}`;
    for (const bad of [forged, `${body}.${mac.slice(1)}`, 'garbage', `${token}.x`, '']) {
      expect(
        isCxError(
          (() => {
            try {
              signer.verify(bad);
            } catch (error) {
              return error;
            }
          })(),
          'UNAUTHORIZED',
        ),
      ).toBe(true);
    }
    expect(() => createLinkSigner({ secret: 'short' })).toThrow(/32 characters/);
  });

  it("names the workspace inside the signed token, so one workspace's link opens nothing in another", () => {
    const signer = createLinkSigner({ secret: SECRET });
    const shop = messageLinks({ baseUrl: 'https://cx.example.com/', signer, workspaceId: 'shop' });
    const other = messageLinks({ baseUrl: 'https://cx.example.com', signer, workspaceId: 'other' });
    const links = shop.forMessage({
      profileId: 'p1',
      channel: 'email',
      topic: 'promotions',
      messageId: 'msg_1',
    });
    expect(links.unsubscribe).toMatch(
      /^https:\/\/cx\.example\.com\/v1\/channels\/unsubscribe\/[\w-]+\.[\w-]+$/,
    );
    const token = links.unsubscribe?.split('/').at(-1) as string;
    expect(tokenWorkspace(token)).toBe('shop');
    expect(shop.readUnsubscribe(token)).toEqual({
      a: 'unsubscribe',
      w: 'shop',
      p: 'p1',
      c: 'email',
      t: 'promotions',
      m: 'msg_1',
    });
    expect(() => other.readUnsubscribe(token)).toThrow();
    expect(() => shop.readPreferences(token)).toThrow(); // an unsubscribe token is not a preferences token
    expect(shop.readProfileToken(shop.profileToken('p1'))).toMatchObject({ p: 'p1', w: 'shop' });
  });
});

describe('messageIdFor', () => {
  it('is the same for the same source, step and profile, and differs otherwise', () => {
    const a = messageIdFor({ source: 'journey:cart@1', step: 'email-1', profileId: 'p1' });
    expect(messageIdFor({ source: 'journey:cart@1', step: 'email-1', profileId: 'p1' })).toBe(a);
    expect(a).toMatch(/^msg_[\w-]{22}$/);
    expect(messageIdFor({ source: 'journey:cart@1', step: 'email-1', profileId: 'p2' })).not.toBe(a);
    // The separator keeps "a" + "bc" apart from "ab" + "c".
    expect(messageIdFor({ source: 'a', step: 'bc', profileId: 'p' })).not.toBe(
      messageIdFor({ source: 'ab', step: 'c', profileId: 'p' }),
    );
  });
});
