import { isCxError, type ValidationError } from '@cx/core';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { smtpEmail } from '../../src/adapters/email';
import type { ChannelAdapter } from '../../src/contract/channel-adapter';
import { createLinkSigner } from '../../src/links/link-signer';
import { trackingLinks } from '../../src/links/tracking-links';
import { marketingEmail, PREFERENCES, transactionalEmail, UNSUBSCRIBE, VIETNAMESE } from './email-messages';
import { type LocalSmtpServer, rawHeader, startLocalSmtpServer } from './local-smtp-server';

const signer = createLinkSigner({ secret: 'a-test-secret-of-at-least-32-characters!' });
const links = trackingLinks('https://cx.example', signer);

let server: LocalSmtpServer;
let adapters: ChannelAdapter[];

beforeEach(async () => {
  server = await startLocalSmtpServer();
  adapters = [];
});

afterEach(async () => {
  for (const adapter of adapters) await adapter.close?.();
  await server.close();
});

/** An adapter wired to this test's server; closed after the test. */
function email(options: Partial<Parameters<typeof smtpEmail>[0]> = {}): ChannelAdapter {
  const adapter = smtpEmail({
    from: 'Cửa hàng Lan <news@shop.vn>',
    smtp: { host: server.host, port: server.port, secure: false },
    ...options,
  } as Parameters<typeof smtpEmail>[0]);
  adapters.push(adapter);
  return adapter;
}

const theOnlyMail = () => {
  expect(server.messages).toHaveLength(1);
  return server.messages[0] as (typeof server.messages)[number];
};

const hrefs = (html: string | false | undefined) =>
  [...String(html).matchAll(/href="([^"]*)"/g)].map((match) => match[1] as string);

describe('smtpEmail: what arrives', () => {
  it('names itself: channel email, default id smtp, not idempotent', () => {
    const adapter = email();
    expect(adapter.channel).toBe('email');
    expect(adapter.id).toBe('smtp');
    expect(adapter.idempotent).toBeUndefined();
    expect(email({ id: 'smtp-backup' }).id).toBe('smtp-backup');
  });

  it('delivers Vietnamese subject, HTML and text intact, from a display name with diacritics', async () => {
    const result = await email().send(transactionalEmail('order-shipped-1'));
    const mail = theOnlyMail();
    expect(mail.subject).toBe(VIETNAMESE.subject);
    expect(mail.html).toContain('Xin chào Lan, đơn hàng của bạn đang trên đường đến.');
    expect(mail.text?.trim()).toBe(VIETNAMESE.text);
    expect(mail.from?.value).toEqual([{ address: 'news@shop.vn', name: 'Cửa hàng Lan' }]);
    expect(mail.envelope).toEqual({ mailFrom: 'news@shop.vn', rcptTo: ['lan@example.com'] });
    expect(mail.headers.get('x-cx-message-id')).toBe('order-shipped-1');
    expect(result).toEqual({
      providerMessageId: mail.messageId,
      status: 'sent',
      details: { accepted: 'lan@example.com', response: '250 OK: queued' },
    });
  });

  it('sets Reply-To when configured', async () => {
    await email({ replyTo: 'Hỗ trợ <help@shop.vn>' }).send(transactionalEmail('reply-to-1'));
    expect(theOnlyMail().replyTo?.value).toEqual([{ address: 'help@shop.vn', name: 'Hỗ trợ' }]);
  });

  it('gives marketing email RFC 8058 one-click List-Unsubscribe headers, https first, then mailto', async () => {
    await email().send(marketingEmail('promo-1'));
    const mail = theOnlyMail();
    expect(rawHeader(mail, 'List-Unsubscribe')).toBe(
      `<${UNSUBSCRIBE}>, <mailto:unsubscribe@shop.vn?subject=unsubscribe>`,
    );
    expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // Each header appears exactly once.
    expect(mail.headerLines.filter((line) => line.key === 'list-unsubscribe')).toHaveLength(1);
    expect(mail.headerLines.filter((line) => line.key === 'list-unsubscribe-post')).toHaveLength(1);
  });

  it('gives the https link alone when there is no mailto', async () => {
    await email().send(marketingEmail('promo-https-only', { links: { unsubscribe: UNSUBSCRIBE } }));
    expect(rawHeader(theOnlyMail(), 'List-Unsubscribe')).toBe(`<${UNSUBSCRIBE}>`);
  });

  it('gives transactional email no List-Unsubscribe headers', async () => {
    await email().send(transactionalEmail('receipt-1'));
    const mail = theOnlyMail();
    expect(rawHeader(mail, 'List-Unsubscribe')).toBeUndefined();
    expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBeUndefined();
  });

  it('gives transactional email the headers when it carries an unsubscribe link', async () => {
    await email().send(transactionalEmail('digest-1', { links: { unsubscribe: UNSUBSCRIBE } }));
    expect(rawHeader(theOnlyMail(), 'List-Unsubscribe')).toBe(`<${UNSUBSCRIBE}>`);
    expect(rawHeader(theOnlyMail(), 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it.each([
    ['no links at all', {}],
    ['only a mailto', { links: { unsubscribeMailto: 'mailto:unsubscribe@shop.vn' } }],
    ['a plain http link', { links: { unsubscribe: 'http://cx.example/u/tok' } }],
  ])('refuses marketing email with %s before any SMTP connection', async (_, overrides) => {
    const message = { ...marketingEmail('promo-no-unsub'), links: undefined, ...overrides };
    const error = await email()
      .send(message)
      .catch((caught: unknown) => caught);
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['links.unsubscribe']);
    expect(server.connections).toBe(0);
    expect(server.messages).toHaveLength(0);
  });

  it('refuses a message without subject, body or address, before any SMTP connection', async () => {
    const adapter = email();
    const base = transactionalEmail('incomplete');
    for (const message of [
      { ...base, content: { text: 'no subject' } },
      { ...base, content: { subject: 'no body' } },
      { ...base, to: { profileId: 'p' } },
    ]) {
      await expect(adapter.send(message)).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    expect(server.connections).toBe(0);
  });

  it('gives a deterministic Message-ID from messageIdDomain, the same on every send of a message', async () => {
    const adapter = email({ messageIdDomain: 'mail.shop.vn' });
    const first = await adapter.send(transactionalEmail('order-shipped:42'));
    const second = await adapter.send(transactionalEmail('order-shipped:42'));
    expect(server.messages.map((mail) => mail.messageId)).toEqual([
      '<order-shipped=3A42@mail.shop.vn>',
      '<order-shipped=3A42@mail.shop.vn>',
    ]);
    expect(first.providerMessageId).toBe('<order-shipped=3A42@mail.shop.vn>');
    expect(second.providerMessageId).toBe(first.providerMessageId);
  });

  it('returns the Message-ID nodemailer made when there is no messageIdDomain', async () => {
    const result = await email().send(transactionalEmail('random-id'));
    expect(result.providerMessageId).toMatch(/^<.+@.+>$/);
    expect(result.providerMessageId).toBe(theOnlyMail().messageId);
  });

  it('leaves a message without HTML as text only', async () => {
    await email({ tracking: { links } }).send(
      transactionalEmail('text-only', { content: { subject: 'Chỉ văn bản', text: 'Xin chào Lan' } }),
    );
    expect(theOnlyMail().html).toBe(false);
    expect(theOnlyMail().text?.trim()).toBe('Xin chào Lan');
  });
});

describe('smtpEmail: tracking', () => {
  const tokenOf = (url: string) => {
    const match = /^https:\/\/cx\.example\/v1\/channels\/(click|open)\/([^/?#]+)$/.exec(url);
    expect(match, `${url} is not a tracking URL`).not.toBeNull();
    return signer.verify(match?.[2] as string);
  };

  it('sends http(s) links through signed click redirects that verify back to the original URL', async () => {
    await email({ tracking: { links } }).send(marketingEmail('promo-tracked'));
    const found = hrefs(theOnlyMail().html);
    expect(found).toHaveLength(5);
    const [sale, fresh, mailto, unsubscribe, preferences] = found as [string, string, string, string, string];
    expect(tokenOf(sale.replace(/&amp;/g, '&'))).toEqual({
      m: 'promo-tracked',
      p: 'profile-lan',
      u: 'https://shop.vn/sale?utm_source=cx&utm_medium=email',
    });
    expect(tokenOf(fresh)).toEqual({ m: 'promo-tracked', p: 'profile-lan', u: 'http://shop.vn/new' });
    expect(mailto).toBe('mailto:help@shop.vn');
    // The unsubscribe and preference links carry their own tokens: never behind a redirect.
    expect(unsubscribe.replace(/&amp;/g, '&')).toBe(UNSUBSCRIBE);
    expect(preferences).toBe(PREFERENCES);
  });

  it('adds the open pixel just before </body>, and its token names the message and the person', async () => {
    await email({ tracking: { links } }).send(marketingEmail('promo-opened'));
    const html = String(theOnlyMail().html);
    const pixel = /<img src="([^"]+)" width="1" height="1" alt="" style="display:none"><\/body>/.exec(html);
    expect(pixel).not.toBeNull();
    expect(tokenOf(pixel?.[1] as string)).toEqual({ m: 'promo-opened', p: 'profile-lan' });
  });

  it('tracks only what is asked: opens: false, clicks: false', async () => {
    await email({ tracking: { links, opens: false } }).send(marketingEmail('clicks-only'));
    await email({ tracking: { links, clicks: false } }).send(marketingEmail('opens-only'));
    const [clicksOnly, opensOnly] = server.messages.map((mail) => String(mail.html));
    expect(clicksOnly).not.toContain('/v1/channels/open/');
    expect(clicksOnly).toContain('/v1/channels/click/');
    expect(opensOnly).toContain('/v1/channels/open/');
    expect(opensOnly).not.toContain('/v1/channels/click/');
  });

  it('leaves the HTML as written without tracking', async () => {
    const message = marketingEmail('untracked');
    await email().send(message);
    expect(String(theOnlyMail().html).trim()).toBe(message.content.html);
  });
});

describe('smtpEmail: transports', () => {
  it('sends 50 messages at once over a pool of at most 3 connections, each arriving once', async () => {
    const adapter = email({
      smtp: { host: server.host, port: server.port, secure: false, maxConnections: 3 },
    });
    const ids = Array.from({ length: 50 }, (_, index) => `bulk-${index}`);
    const results = await Promise.all(ids.map((id) => adapter.send(transactionalEmail(id))));
    expect(results.every((result) => result.status === 'sent')).toBe(true);
    const received = server.messages.map((mail) => mail.headers.get('x-cx-message-id'));
    expect(received).toHaveLength(50);
    expect(new Set(received)).toEqual(new Set(ids));
    expect(server.peakConnections).toBeLessThanOrEqual(3);
    expect(server.peakConnections).toBeGreaterThan(0);
  });

  it('sends without a pool when pool: false', async () => {
    const adapter = email({ smtp: { host: server.host, port: server.port, secure: false, pool: false } });
    await adapter.send(transactionalEmail('unpooled-1'));
    await adapter.send(transactionalEmail('unpooled-2'));
    expect(server.messages).toHaveLength(2);
    expect(server.connections).toBe(2);
  });

  it("uses the application's own transporter and never closes it", async () => {
    const transport = nodemailer.createTransport({
      host: server.host,
      port: server.port,
      secure: false,
      pool: true,
    });
    const close = vi.spyOn(transport, 'close');
    const adapter = smtpEmail({ from: 'news@shop.vn', transport });
    await adapter.send(transactionalEmail('own-transport'));
    await adapter.close?.();
    expect(close).not.toHaveBeenCalled();
    expect(theOnlyMail().headers.get('x-cx-message-id')).toBe('own-transport');
    transport.close();
  });

  it('closes the transport it created, once, and refuses to send afterwards', async () => {
    const adapter = email();
    await adapter.send(transactionalEmail('before-close'));
    await adapter.close?.();
    await adapter.close?.();
    await expect(adapter.send(transactionalEmail('after-close'))).rejects.toMatchObject({ code: 'CONFIG' });
    expect(server.messages).toHaveLength(1);
  });

  it('verifies the connection', async () => {
    await expect(email().verify?.()).resolves.toBeUndefined();
  });

  it('leaves the message it was given unchanged, tracking included', async () => {
    const message = marketingEmail('unchanged');
    const before = structuredClone(message);
    await email({ tracking: { links }, messageIdDomain: 'mail.shop.vn' }).send(message);
    expect(message).toEqual(before);
  });
});
