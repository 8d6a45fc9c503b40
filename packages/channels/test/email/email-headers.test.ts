import { describe, expect, it } from 'vitest';
import { emailMessageId, mapSmtpError, unsubscribeHeaders } from '../../src/adapters/email';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../src/errors/delivery-errors';

describe('unsubscribeHeaders', () => {
  const https = 'https://cx.example/u/tok';

  it('builds RFC 8058 one-click headers for marketing', () => {
    expect(
      unsubscribeHeaders('smtp', 'marketing', { unsubscribe: https, unsubscribeMailto: 'mailto:u@shop.vn' }),
    ).toEqual({
      'List-Unsubscribe': `<${https}>, <mailto:u@shop.vn>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('gives transactional email nothing without a link', () => {
    expect(unsubscribeHeaders('smtp', 'transactional')).toEqual({});
    expect(unsubscribeHeaders('smtp', 'transactional', { preferences: 'https://cx.example/p' })).toEqual({});
  });

  it('promises no one-click POST for a plain http or mailto link on transactional email', () => {
    expect(unsubscribeHeaders('smtp', 'transactional', { unsubscribe: 'http://cx.example/u' })).toEqual({
      'List-Unsubscribe': '<http://cx.example/u>',
    });
    expect(unsubscribeHeaders('smtp', 'transactional', { unsubscribeMailto: 'mailto:u@shop.vn' })).toEqual({
      'List-Unsubscribe': '<mailto:u@shop.vn>',
    });
  });

  it('writes the link as the URL parser normalises it, so nothing can break out of the header', () => {
    const headers = unsubscribeHeaders('smtp', 'marketing', { unsubscribe: 'https://cx.example/u/a b<c>' });
    expect(headers['List-Unsubscribe']).toBe('<https://cx.example/u/a%20b%3Cc%3E>');
  });

  it.each([
    ['marketing without a link', 'marketing', {}, 'links.unsubscribe'],
    ['marketing with only http', 'marketing', { unsubscribe: 'http://cx.example/u' }, 'links.unsubscribe'],
    [
      'marketing with only mailto',
      'marketing',
      { unsubscribeMailto: 'mailto:u@shop.vn' },
      'links.unsubscribe',
    ],
    [
      'a link that is not http(s)',
      'transactional',
      { unsubscribe: 'ftp://cx.example/u' },
      'links.unsubscribe',
    ],
    [
      'a mailto with a line break',
      'transactional',
      { unsubscribeMailto: 'mailto:u@shop.vn\r\nBcc: all@shop.vn' },
      'links.unsubscribeMailto',
    ],
  ] as const)('refuses %s with a ValidationError on %s', (_, category, links, path) => {
    expect(() => unsubscribeHeaders('smtp', category, links)).toThrow(
      expect.objectContaining({ code: 'VALIDATION', issues: [expect.objectContaining({ path })] }),
    );
  });
});

describe('emailMessageId', () => {
  it('keeps ids that are valid as they are', () => {
    expect(emailMessageId('order-shipped.42', 'mail.shop.vn')).toBe('<order-shipped.42@mail.shop.vn>');
  });

  it('escapes what a Message-ID may not hold, and = itself, so different ids never collide', () => {
    expect(emailMessageId('a:b c@d', 'x.vn')).toBe('<a=3Ab=20c=40d@x.vn>');
    expect(emailMessageId('a=3Ab', 'x.vn')).toBe('<a=3D3Ab@x.vn>');
    expect(emailMessageId('.a..b.', 'x.vn')).toBe('<=2Ea.=2Eb=2E@x.vn>');
    expect(emailMessageId('đơn', 'x.vn')).toBe('<=C4=91=C6=A1n@x.vn>');
  });
});

describe('mapSmtpError: failures without an SMTP reply', () => {
  const smtpError = (fields: Record<string, unknown>) => Object.assign(new Error('failed'), fields);

  it.each(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EABORT'])(
    '%s is a ProviderUnavailableError',
    (code) => {
      expect(mapSmtpError('smtp', smtpError({ code }))).toBeInstanceOf(ProviderUnavailableError);
    },
  );

  it.each(['EAUTH', 'ENOAUTH', 'EMESSAGE', 'ECONFIG'])('%s is a ProviderRejectedError', (code) => {
    expect(mapSmtpError('smtp', smtpError({ code }))).toBeInstanceOf(ProviderRejectedError);
  });

  it('503 (bad sequence of commands) is retryable: a new connection can succeed', () => {
    expect(mapSmtpError('smtp', smtpError({ code: 'EENVELOPE', responseCode: 503 }))).toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it('a 5xx naming the recipient in rejected is a RecipientUnreachableError, whatever the command', () => {
    const error = smtpError({ code: 'EENVELOPE', responseCode: 554, rejected: ['Lan@Example.com'] });
    expect(mapSmtpError('smtp', error, { recipient: 'lan@example.com' })).toBeInstanceOf(
      RecipientUnreachableError,
    );
  });

  it('an error from elsewhere (a custom transport, a thrown string) is retryable', () => {
    expect(mapSmtpError('smtp', new Error('boom'))).toBeInstanceOf(ProviderUnavailableError);
    expect(mapSmtpError('smtp', 'boom')).toBeInstanceOf(ProviderUnavailableError);
  });

  it('keeps the SMTP code, nodemailer code and cause, and names verify failures', () => {
    const cause = smtpError({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 bad' });
    const error = mapSmtpError('smtp', cause, { op: 'verify' });
    expect(error).toMatchObject({ status: 535, providerCode: 'EAUTH', cause, adapter: 'smtp' });
    expect(error.message).toContain('verify: AUTH PLAIN: 535 bad');
  });
});
