import { isCxError, ManualClock } from '@cx/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature, webhookChannel } from '../../src/adapters/webhook';
import type { OutboundMessage } from '../../src/contract/outbound-message';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  RecipientUnreachableError,
  WebhookSignatureError,
} from '../../src/errors/delivery-errors';
import { type LocalWebhookReceiver, startLocalWebhookReceiver } from './local-webhook-receiver';

const secret = 'whsec-current-0123456789abcdef0123456789';
const oldSecret = 'whsec-previous-0123456789abcdef012345678';
let serial = 0;

const message = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: `msg-${++serial}`,
  channel: 'webhook',
  category: 'transactional',
  topic: 'order-updates',
  to: { profileId: 'p1' },
  content: { title: 'Order shipped', text: 'Your order #42 is on its way', data: { orderId: 42 } },
  metadata: { campaign: 'shipping' },
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

let receiver: LocalWebhookReceiver;
const clock = new ManualClock('2026-03-01T08:00:00Z');

beforeAll(async () => {
  receiver = await startLocalWebhookReceiver({ secret, clock });
});
afterAll(async () => {
  await receiver.close();
});
afterEach(() => {
  receiver.requests.length = 0;
});

describe('webhookChannel, cx format', () => {
  it('posts the message as signed JSON with its idempotency headers', async () => {
    const channel = webhookChannel({
      secret,
      url: `${receiver.url}/hooks`,
      clock,
      headers: { 'x-api-key': 'k1' },
    });
    const sent = message();
    const result = await channel.send(sent);
    expect(result).toEqual({ providerMessageId: sent.id, status: 'sent', details: { httpStatus: 200 } });

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.path).toBe('/hooks');
    expect(request?.verified).toBe(true);
    expect(request?.problems).toEqual([]);
    expect(request?.headers['idempotency-key']).toBe(sent.id);
    expect(request?.headers['x-cx-message-id']).toBe(sent.id);
    expect(request?.headers['x-api-key']).toBe('k1');
    expect(request?.headers['x-cx-signature']).toMatch(
      new RegExp(`^t=${Math.floor(clock.now() / 1000)},v1=[0-9a-f]{64}$`),
    );
    expect(request?.json).toEqual({
      id: sent.id,
      profileId: 'p1',
      channel: 'webhook',
      category: 'transactional',
      topic: 'order-updates',
      content: sent.content,
      metadata: { campaign: 'shipping' },
      sentAt: '2026-03-01T08:00:00.000Z',
    });
    expect(receiver.delivered()).toContain(sent.id);
  });

  it("sends to the message's own to.url over the default", async () => {
    const channel = webhookChannel({ secret, url: `${receiver.url}/default`, clock });
    await channel.send(message({ to: { profileId: 'p1', url: `${receiver.url}/own` } }));
    expect(receiver.requests.map((request) => request.path)).toEqual(['/own']);
  });

  it('is idempotent: a repeated send carries the same key and the receiver keeps one', async () => {
    const channel = webhookChannel({ secret, url: receiver.url, clock });
    expect(channel.idempotent).toBe(true);
    const sent = message();
    await channel.send(sent);
    clock.advance(1_000);
    await channel.send(sent);
    expect(receiver.requests.map((request) => request.duplicate)).toEqual([false, true]);
    expect(receiver.delivered().filter((id) => id === sent.id)).toHaveLength(1);
  });

  it('signs with every secret while rotating, so a receiver still on the old one accepts', async () => {
    const old = await startLocalWebhookReceiver({ secret: oldSecret, clock });
    try {
      const channel = webhookChannel({ secret: [secret, oldSecret], url: old.url, clock });
      await channel.send(message());
      expect(old.requests[0]?.verified).toBe(true);
    } finally {
      await old.close();
    }
  });

  it('does not follow a redirect: the signed body goes only where it was sent (a refusal)', async () => {
    const channel = webhookChannel({ secret, url: `${receiver.url}/moved`, clock });
    const error = await rejection(channel.send(message()));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).status).toBe(307);
    expect(receiver.requests.map((request) => request.path)).toEqual(['/moved']);
  });

  it('sends a to.url only to allowedHosts and over http(s); elsewhere the recipient is unreachable', async () => {
    const channel = webhookChannel({
      secret,
      url: receiver.url,
      clock,
      allowedHosts: ['127.0.0.1', '*.example.com'],
    });
    await channel.send(message({ to: { profileId: 'p1', url: `${receiver.url}/allowed` } }));
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'https://example.com/x',
      'ftp://127.0.0.1/x',
    ]) {
      const error = await rejection(channel.send(message({ to: { profileId: 'p1', url } })));
      expect(error).toBeInstanceOf(RecipientUnreachableError);
      expect((error as RecipientUnreachableError).reason).toBe('invalid-address');
    }
    expect(receiver.requests.map((request) => request.path)).toEqual(['/allowed']);
  });

  it('is refused (not retried) by a receiver whose clock says the signature is stale', async () => {
    const late = new ManualClock(clock.now() + 301_000);
    const strict = await startLocalWebhookReceiver({ secret, clock: late });
    try {
      const error = await rejection(webhookChannel({ secret, url: strict.url, clock }).send(message()));
      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect((error as ProviderRejectedError).status).toBe(401);
      expect(strict.requests[0]?.verified).toBe(false);
    } finally {
      await strict.close();
    }
  });

  it('refuses, before any request, a message without content or without an endpoint', async () => {
    const withUrl = webhookChannel({ secret, url: receiver.url, clock });
    const empty = await rejection(withUrl.send(message({ content: {} })));
    expect(isCxError(empty, 'VALIDATION')).toBe(true);
    const noUrl = webhookChannel({ secret, clock });
    const nowhere = await rejection(noUrl.send(message()));
    expect(isCxError(nowhere, 'VALIDATION')).toBe(true);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('webhookChannel, failures', () => {
  const channel = () => webhookChannel({ secret, url: receiver.url, clock });

  it('5xx: ProviderUnavailableError, and the retried send is taken', async () => {
    const sent = message();
    receiver.failNext('unavailable');
    const error = await rejection(channel().send(sent));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).status).toBe(503);
    expect(receiver.delivered()).not.toContain(sent.id);
    await channel().send(sent);
    expect(receiver.delivered()).toContain(sent.id);
  });

  it("429: ProviderUnavailableError with the receiver's Retry-After", async () => {
    receiver.failNext('rate-limited');
    const error = await rejection(channel().send(message()));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).retryAfterMs).toBe(7_000);
  });

  it('4xx: ProviderRejectedError, not retryable', async () => {
    receiver.failNext('rejected');
    const error = await rejection(channel().send(message()));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).retryable).toBe(false);
    expect((error as ProviderRejectedError).status).toBe(400);
  });

  it('410: the endpoint is gone, RecipientUnreachableError subscription-expired', async () => {
    receiver.failNext('gone');
    const error = await rejection(channel().send(message()));
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect((error as RecipientUnreachableError).reason).toBe('subscription-expired');
  });

  it('nobody listening: ProviderUnavailableError', async () => {
    const closed = await startLocalWebhookReceiver({ secret });
    await closed.close();
    const error = await rejection(webhookChannel({ secret, url: closed.url, clock }).send(message()));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
  });

  it('an aborted send: ProviderUnavailableError', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(channel().send(message(), { signal: controller.signal }));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
  });
});

describe('webhookChannel, slack format', () => {
  it('posts { text }: the title in bold, the text and the link, with mrkdwn control characters escaped', async () => {
    const slack = webhookChannel({ id: 'slack-sales', secret, url: receiver.url, format: 'slack', clock });
    expect(slack.id).toBe('slack-sales');
    expect(slack.idempotent).toBe(false);
    const result = await slack.send(
      message({
        content: {
          title: 'Deal <won>',
          text: 'Acme & co signed <!channel>',
          url: 'https://crm.example.com/deals/7',
        },
      }),
    );
    expect(result.status).toBe('delivered');
    const [request] = receiver.requests;
    expect(request?.verified).toBe(true);
    expect(request?.json).toEqual({
      text: '*Deal &lt;won&gt;*\nAcme &amp; co signed &lt;!channel&gt;\n<https://crm.example.com/deals/7|Deal &lt;won&gt;>',
    });
    expect(request?.headers['idempotency-key']).toBeDefined();
  });

  it('needs a title or text: data alone is a ValidationError', async () => {
    const slack = webhookChannel({ secret, url: receiver.url, format: 'slack', clock });
    const error = await rejection(slack.send(message({ content: { data: { a: 1 } } })));
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('webhookChannel options', () => {
  it.each([
    ['a short secret', { secret: 'short' }],
    ['no secret', {}],
    ['an empty list of secrets', { secret: [] }],
    ['a url that is not http', { secret, url: 'ftp://example.com/x' }],
    ['a header cx sets itself', { secret, headers: { 'Idempotency-Key': 'x' } }],
    ['an allowed host that is a URL', { secret, allowedHosts: ['https://example.com'] }],
    ['an empty allowedHosts', { secret, allowedHosts: [] }],
    ['an unknown format', { secret, format: 'teams' }],
    ['an unknown option', { secret, retries: 3 }],
    ['a timeout of zero', { secret, timeoutMs: 0 }],
  ])('refuses %s with a ConfigError', (_name, options) => {
    let error: unknown;
    try {
      webhookChannel(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(isCxError(error, 'CONFIG')).toBe(true);
  });

  it('defaults to id webhook on channel webhook', () => {
    const channel = webhookChannel({ secret });
    expect(channel.id).toBe('webhook');
    expect(channel.channel).toBe('webhook');
  });
});

describe('webhookChannel.parseWebhook (inbound delivery reports)', () => {
  const channel = webhookChannel({ secret: [secret, oldSecret], clock });
  const request = (
    body: string,
    signedWith: string | string[] = secret,
    at = Math.floor(clock.now() / 1000),
  ) => ({
    method: 'POST',
    url: 'https://cx.example.com/webhooks/delivery',
    headers: { 'content-type': 'application/json', 'x-cx-signature': signWebhookBody(signedWith, body, at) },
    body,
  });

  it('reads one report', async () => {
    const body = JSON.stringify({ id: 'msg-1', status: 'delivered', at: '2026-03-01T08:00:01+07:00' });
    expect(await channel.parseWebhook?.(request(body))).toEqual([
      {
        type: 'delivered',
        providerMessageId: 'msg-1',
        messageId: 'msg-1',
        channel: 'webhook',
        at: '2026-03-01T01:00:01.000Z',
      },
    ]);
  });

  it('reads a batch, with reasons and event ids, signed with the old secret', async () => {
    const body = JSON.stringify([
      { id: 'msg-1', status: 'opened', at: '2026-03-01T08:00:01Z', eventId: 'e1' },
      { id: 'msg-2', status: 'failed', at: '2026-03-01T08:00:02Z', reason: 'mailbox full' },
    ]);
    const events = await channel.parseWebhook?.(request(body, oldSecret));
    expect(
      events?.map((event) => [event.type, event.messageId, event.providerEventId, event.reason]),
    ).toEqual([
      ['opened', 'msg-1', 'e1', undefined],
      ['failed', 'msg-2', undefined, 'mailbox full'],
    ]);
  });

  it('refuses a forged, tampered, unsigned or stale report with WebhookSignatureError', async () => {
    const body = JSON.stringify({ id: 'msg-1', status: 'delivered', at: '2026-03-01T08:00:01Z' });
    const forged = request(body, 'attacker-0123456789abcdef0123456789abcdef');
    const tampered = { ...request(body), body: body.replace('delivered', 'clicked') };
    const unsigned = { ...request(body), headers: { 'content-type': 'application/json' } };
    const stale = request(body, secret, Math.floor(clock.now() / 1000) - 301);
    for (const each of [forged, tampered, unsigned, stale]) {
      const error = await rejection(Promise.resolve().then(() => channel.parseWebhook?.(each)));
      expect(error).toBeInstanceOf(WebhookSignatureError);
    }
  });

  it('refuses a signed body that is not a delivery report with a ValidationError', async () => {
    for (const body of [
      'not json',
      JSON.stringify({ id: 'msg-1', status: 'teleported', at: '2026-03-01T08:00:01Z' }),
      '[]',
    ]) {
      const error = await rejection(Promise.resolve().then(() => channel.parseWebhook?.(request(body))));
      expect(isCxError(error, 'VALIDATION')).toBe(true);
    }
  });

  it('agrees with verifyWebhookSignature on what it accepts', () => {
    const body = '{"id":"msg-1","status":"sent","at":"2026-03-01T08:00:00Z"}';
    const { headers } = request(body);
    expect(
      verifyWebhookSignature({ secret, header: headers['x-cx-signature'], body, now: clock.now() })
        .secretIndex,
    ).toBe(0);
  });
});
