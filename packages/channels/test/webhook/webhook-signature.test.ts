import { createHmac } from 'node:crypto';
import { isCxError, ManualClock } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from '../../src/adapters/webhook';
import { WebhookSignatureError } from '../../src/errors/delivery-errors';

const secret = 'whsec-current-0123456789abcdef0123456789';
const oldSecret = 'whsec-previous-0123456789abcdef012345678';
const body = JSON.stringify({ id: 'msg-1', text: 'hello' });
const clock = new ManualClock('2026-03-01T08:00:00Z');
const seconds = () => Math.floor(clock.now() / 1000);

/** The error `run` throws, or a failure when it throws none. */
function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const refused = (run: () => unknown) => {
  const error = errorOf(run);
  expect(error).toBeInstanceOf(WebhookSignatureError);
  expect(isCxError(error, 'UNAUTHORIZED')).toBe(true);
};

describe('signWebhookBody / verifyWebhookSignature', () => {
  it('accepts a body signed with the secret, and says when and with which secret', () => {
    const header = signWebhookBody(secret, body, seconds());
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret, header, body, now: clock.now() })).toEqual({
      timestamp: seconds(),
      secretIndex: 0,
    });
  });

  it('signs "<t>.<body>" with HMAC-SHA256, so any receiver can check it by hand', async () => {
    const t = seconds();
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhookBody(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies raw bytes as well as text', () => {
    const header = signWebhookBody(secret, body, seconds());
    expect(
      verifyWebhookSignature({ secret, header, body: Buffer.from(body), now: clock.now() }).secretIndex,
    ).toBe(0);
  });

  it('refuses a tampered body', () => {
    const header = signWebhookBody(secret, body, seconds());
    refused(() =>
      verifyWebhookSignature({ secret, header, body: body.replace('hello', 'hellp'), now: clock.now() }),
    );
    refused(() => verifyWebhookSignature({ secret, header, body: `${body} `, now: clock.now() }));
  });

  it('refuses a body signed with another secret', () => {
    const header = signWebhookBody('someone-else-0123456789abcdef0123456789', body, seconds());
    refused(() => verifyWebhookSignature({ secret, header, body, now: clock.now() }));
  });

  it('refuses a replayed request once its time is outside the tolerance, either way', () => {
    const local = new ManualClock('2026-03-01T08:00:00Z');
    const t = Math.floor(local.now() / 1000);
    const header = signWebhookBody(secret, body, t);
    local.advance(300_000);
    expect(verifyWebhookSignature({ secret, header, body, now: local.now() }).timestamp).toBe(t);
    local.advance(1_000);
    refused(() => verifyWebhookSignature({ secret, header, body, now: local.now() }));
    expect(
      verifyWebhookSignature({ secret, header, body, now: local.now(), toleranceSeconds: 600 }).timestamp,
    ).toBe(t);
    // A time far in the future is as suspect as one in the past.
    const future = signWebhookBody(secret, body, Math.floor(local.now() / 1000) + 301);
    refused(() => verifyWebhookSignature({ secret, header: future, body, now: local.now() }));
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['without t', 'v1=' + 'a'.repeat(64)],
    ['without v1', 't=1772352000'],
    ['with a t that is not a number', `t=soon,v1=${'a'.repeat(64)}`],
    ['with two times', `t=1772352000,t=1772352001,v1=${'a'.repeat(64)}`],
    ['with a short v1', 't=1772352000,v1=abc'],
    ['with a v1 that is not hex', `t=1772352000,v1=${'z'.repeat(64)}`],
    ['with a v1 holding "="', `t=1772352000,v1=${'a'.repeat(64)}=`],
    ['that is garbage', 'sha256=deadbeef'],
    ['that is too long', `t=1772352000,${`v1=${'a'.repeat(64)},`.repeat(40)}`],
  ])('refuses a header %s', (_name, header) => {
    refused(() => verifyWebhookSignature({ secret, header, body, now: clock.now() }));
  });

  it('ignores signature schemes it does not know, next to a v1 that holds', () => {
    const header = `${signWebhookBody(secret, body, seconds())},v0=whatever`;
    expect(verifyWebhookSignature({ secret, header, body, now: clock.now() }).secretIndex).toBe(0);
  });

  describe('secret rotation', () => {
    it('a receiver holding [new, old] accepts requests signed with either, and says which', () => {
      const withOld = signWebhookBody(oldSecret, body, seconds());
      const withNew = signWebhookBody(secret, body, seconds());
      expect(
        verifyWebhookSignature({ secret: [secret, oldSecret], header: withOld, body, now: clock.now() })
          .secretIndex,
      ).toBe(1);
      expect(
        verifyWebhookSignature({ secret: [secret, oldSecret], header: withNew, body, now: clock.now() })
          .secretIndex,
      ).toBe(0);
    });

    it('a sender holding [new, old] signs with both, so receivers on either secret accept it', () => {
      const header = signWebhookBody([secret, oldSecret], body, seconds());
      expect(header.split(',').filter((part) => part.startsWith('v1='))).toHaveLength(2);
      expect(verifyWebhookSignature({ secret, header, body, now: clock.now() }).secretIndex).toBe(0);
      expect(verifyWebhookSignature({ secret: oldSecret, header, body, now: clock.now() }).secretIndex).toBe(
        0,
      );
    });

    it('once the old secret is dropped, its signatures are refused', () => {
      const header = signWebhookBody(oldSecret, body, seconds());
      refused(() => verifyWebhookSignature({ secret, header, body, now: clock.now() }));
    });
  });

  it('treats a short or missing secret as a setup mistake (ConfigError)', () => {
    const header = signWebhookBody(secret, body, seconds());
    expect(
      isCxError(
        errorOf(() => verifyWebhookSignature({ secret: 'short', header, body })),
        'CONFIG',
      ),
    ).toBe(true);
    expect(
      isCxError(
        errorOf(() => verifyWebhookSignature({ secret: [], header, body })),
        'CONFIG',
      ),
    ).toBe(true);
    expect(
      isCxError(
        errorOf(() => signWebhookBody('short', body, seconds())),
        'CONFIG',
      ),
    ).toBe(true);
    expect(
      isCxError(
        errorOf(() => signWebhookBody(secret, body, 1.5)),
        'CONFIG',
      ),
    ).toBe(true);
  });
});
