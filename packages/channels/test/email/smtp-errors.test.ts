import { createServer } from 'node:net';
import { isCxError } from '@cx/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smtpEmail } from '../../src/adapters/email';
import type { ChannelAdapter } from '../../src/contract/channel-adapter';
import {
  isDeliveryError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
} from '../../src/errors/delivery-errors';
import { createLinkSigner } from '../../src/links/link-signer';
import { trackingLinks } from '../../src/links/tracking-links';
import { transactionalEmail } from './email-messages';
import { type LocalSmtpServer, type SmtpStage, startLocalSmtpServer } from './local-smtp-server';

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

function email(smtp: Record<string, unknown> = {}): ChannelAdapter {
  const adapter = smtpEmail({
    from: 'news@shop.vn',
    smtp: { host: server.host, port: server.port, secure: false, ...smtp },
  });
  adapters.push(adapter);
  return adapter;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: unknown) => error,
  );

/** A port nothing listens on: bound once to get a free number, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('smtpEmail: SMTP failures become delivery errors', () => {
  it.each<[number, SmtpStage]>([
    [421, 'greeting'],
    [421, 'mail'],
    [450, 'mail'],
    [452, 'rcpt'],
    [451, 'data'],
    [421, 'data'],
  ])('%i at %s is a retryable ProviderUnavailableError, and the next send goes through', async (code, at) => {
    const adapter = email();
    server.failNext(code, { at });
    const error = await failure(adapter.send(transactionalEmail(`busy-${code}-${at}`)));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ code: 'ADAPTER', adapter: 'smtp', status: code, retryable: true });
    expect(server.messages).toHaveLength(0);
    await adapter.send(transactionalEmail(`busy-${code}-${at}`));
    expect(server.messages).toHaveLength(1);
  });

  it('550 on RCPT TO is a RecipientUnreachableError (invalid-address)', async () => {
    server.rejectRecipient('nobody@example.com');
    const message = transactionalEmail('to-nobody', {
      to: { profileId: 'p-gone', email: 'nobody@example.com' },
    });
    const error = await failure(email().send(message));
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(error).toMatchObject({
      reason: 'invalid-address',
      status: 550,
      retryable: false,
      providerCode: 'EENVELOPE',
    });
  });

  it.each([551, 553])('%i on RCPT TO is a RecipientUnreachableError', async (code) => {
    server.failNext(code, { at: 'rcpt', message: 'mailbox name not allowed' });
    const error = await failure(email().send(transactionalEmail(`rcpt-${code}`)));
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(error).toMatchObject({ status: code });
  });

  it('a 5.7.1 policy refusal on RCPT TO (relay denied) is about us, not the mailbox: ProviderRejectedError', async () => {
    server.failNext(550, { at: 'rcpt', message: '5.7.1 Relay access denied' });
    const error = await failure(email().send(transactionalEmail('relay-denied')));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ status: 550, retryable: false });
  });

  it('554 after DATA is a ProviderRejectedError, not retried', async () => {
    server.failNext(554);
    const error = await failure(email().send(transactionalEmail('refused-content')));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ status: 554, retryable: false, providerCode: 'EMESSAGE' });
    expect(isDeliveryError(error)).toBe(true);
  });

  it('a server that is down is a ProviderUnavailableError, for send and verify', async () => {
    const adapter = smtpEmail({
      from: 'news@shop.vn',
      smtp: { host: '127.0.0.1', port: await closedPort() },
    });
    adapters.push(adapter);
    const error = await failure(adapter.send(transactionalEmail('server-down')));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ providerCode: 'ESOCKET', retryable: true });
    await expect(adapter.verify?.()).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('an aborted send is a ProviderUnavailableError and sends nothing', async () => {
    const error = await failure(email().send(transactionalEmail('aborted'), { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(server.messages).toHaveLength(0);
  });
});

describe('smtpEmail: credentials', () => {
  let secured: LocalSmtpServer;
  beforeEach(async () => {
    secured = await startLocalSmtpServer({ auth: { user: 'shop', pass: 'right-password' } });
  });
  afterEach(async () => {
    await secured.close();
  });

  const withPassword = (pass: string) => {
    const adapter = smtpEmail({
      from: 'news@shop.vn',
      smtp: { host: secured.host, port: secured.port, secure: false, auth: { user: 'shop', pass } },
    });
    adapters.push(adapter);
    return adapter;
  };

  it('sends and verifies with the right password', async () => {
    const adapter = withPassword('right-password');
    await adapter.verify?.();
    await adapter.send(transactionalEmail('authenticated'));
    expect(secured.messages).toHaveLength(1);
  });

  it('535 (bad credentials) is a ProviderRejectedError, for send and verify', async () => {
    const adapter = withPassword('wrong-password');
    await expect(adapter.verify?.()).rejects.toMatchObject({ status: 535, retryable: false });
    const error = await failure(adapter.send(transactionalEmail('bad-login')));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ status: 535, providerCode: 'EAUTH' });
    expect((error as Error).message).not.toContain('wrong-password');
  });
});

describe('smtpEmail: options', () => {
  const smtp = { host: 'smtp.example.com' };
  const links = trackingLinks(
    'https://cx.example',
    createLinkSigner({ secret: 'a-test-secret-of-at-least-32-characters!' }),
  );

  it.each<[string, unknown, string]>([
    ['no options', undefined, 'from'],
    ['no from', { smtp }, 'from'],
    ['neither transport nor smtp', { from: 'news@shop.vn' }, 'smtp'],
    [
      'both transport and smtp',
      { from: 'news@shop.vn', smtp, transport: { sendMail: () => undefined } },
      'smtp',
    ],
    ['a transport that is not a transporter', { from: 'news@shop.vn', transport: {} }, 'transport'],
    ['a from that is not an address', { from: 'Shop', smtp }, 'from'],
    ['two from addresses', { from: 'a@shop.vn, b@shop.vn', smtp }, 'from'],
    ['a bad replyTo', { from: 'news@shop.vn', replyTo: 'nope', smtp }, 'replyTo'],
    ['an empty host', { from: 'news@shop.vn', smtp: { host: '' } }, 'smtp.host'],
    ['a port out of range', { from: 'news@shop.vn', smtp: { ...smtp, port: 70_000 } }, 'smtp.port'],
    [
      'zero connections',
      { from: 'news@shop.vn', smtp: { ...smtp, maxConnections: 0 } },
      'smtp.maxConnections',
    ],
    [
      'a rate limit without a pool',
      { from: 'news@shop.vn', smtp: { ...smtp, pool: false, rateLimit: 10 } },
      'smtp.pool',
    ],
    ['a misspelt option', { from: 'news@shop.vn', smtp: { ...smtp, maxConnection: 3 } }, 'maxConnection'],
    ['an unknown top-level option', { from: 'news@shop.vn', smtp, form: 'x' }, 'form'],
    [
      'a messageIdDomain that is no domain',
      { from: 'news@shop.vn', smtp, messageIdDomain: 'not a domain' },
      'messageIdDomain',
    ],
    ['tracking without links', { from: 'news@shop.vn', smtp, tracking: { opens: true } }, 'tracking.links'],
    ['an empty id', { from: 'news@shop.vn', smtp, id: '' }, 'id'],
  ])('%s is a ConfigError naming the option', (_, options, path) => {
    let error: unknown;
    try {
      smtpEmail(options as Parameters<typeof smtpEmail>[0]);
    } catch (caught) {
      error = caught;
    }
    expect(isCxError(error, 'CONFIG')).toBe(true);
    expect((error as Error).message).toContain(path);
  });

  it('accepts the full set of pool options and tracking', async () => {
    const adapter = smtpEmail({
      from: '"Cửa hàng Lan" <news@shop.vn>',
      replyTo: 'help@shop.vn',
      id: 'smtp-primary',
      messageIdDomain: 'mail.shop.vn',
      smtp: {
        ...smtp,
        port: 587,
        secure: false,
        requireTLS: true,
        auth: { user: 'u', pass: 'p' },
        maxConnections: 3,
        maxMessages: 100,
        rateLimit: 10,
        rateDelta: 1000,
        connectionTimeout: 10_000,
        greetingTimeout: 5_000,
        socketTimeout: 30_000,
      },
      tracking: { links, opens: false },
    });
    expect(adapter.id).toBe('smtp-primary');
    await adapter.close?.();
  });
});
