import { signWebhookBody } from '@cx/channels/webhook';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchHandler } from '../src';
import {
  type ChannelsServer,
  call,
  messageEvents,
  pathOf,
  person,
  sendAndDrain,
  startChannelsServer,
  tokenOf,
  WEBHOOK_SECRET,
  WORKSPACES,
} from './channels-harness';
import { json } from './helpers';

let server: ChannelsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start() {
  server = await startChannelsServer();
  return server;
}

/** A token with its payload rewritten and its signature kept. */
function rewritten(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [body, signature] = token.split('.');
  const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
  change(payload);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

const GIF_HEADER = Buffer.from('GIF89a');

async function expectPixel(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('image/gif');
  expect(response.headers.get('cache-control')).toContain('no-store');
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(bytes.subarray(0, 6).equals(GIF_HEADER)).toBe(true);
  expect(bytes.length).toBe(42);
  // The graphic control extension (21 f9 04) marks colour 0 transparent (flag 01).
  expect(bytes.subarray(19, 23).toString('hex')).toBe('21f90401');
}

describe('the open pixel', () => {
  it('records Message Opened once, however often the image loads, and answers a no-store GIF', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const messageId = await sendAndDrain(s.acme, an);
    const pixel = pathOf(s.acme.links!.tracking.openPixel(messageId, an));

    await expectPixel(await call(s.url, pixel));
    await expectPixel(await call(s.url, pixel));
    const events = await messageEvents(s.storage, an);
    expect(events.filter((name) => name === 'Message Opened')).toHaveLength(1);
    expect((await s.acme.message(messageId))?.status).toBe('opened');
  });

  it('answers the GIF for a bad token too, and records nothing', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const bo = await person(s.storage, 'bo');
    const messageId = await sendAndDrain(s.acme, an);
    const token = tokenOf(s.acme.links!.tracking.openPixel(messageId, an));
    const before = await messageEvents(s.storage, an);

    const bad = [
      rewritten(token, (payload) => {
        payload.p = bo;
      }),
      rewritten(token, (payload) => {
        payload.w = 'initech';
      }),
      `${token}x`,
      'garbage',
    ];
    for (const each of bad) await expectPixel(await call(s.url, `/v1/channels/open/${each}`));
    expect(await messageEvents(s.storage, an)).toEqual(before);
    expect(await messageEvents(s.storage, bo)).toEqual([]);
    expect((await s.acme.message(messageId))?.status).toBe('delivered');
  });
});

describe('click tracking', () => {
  it('redirects to the original URL and records Message Clicked', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const messageId = await sendAndDrain(s.acme, an);
    const target = 'https://shop.example.com/sale?utm_source=cx&q=a%20b';
    const response = await call(s.url, pathOf(s.acme.links!.tracking.click(messageId, an, target)));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(target);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(await messageEvents(s.storage, an)).toContain('Message Clicked');
    expect((await s.acme.message(messageId))?.status).toBe('clicked');
  });

  it('never redirects where the token was not signed for: a changed URL is 401, and nothing is recorded', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const messageId = await sendAndDrain(s.acme, an);
    const token = tokenOf(s.acme.links!.tracking.click(messageId, an, 'https://shop.example.com/'));
    const before = await messageEvents(s.storage, an);

    const evil = rewritten(token, (payload) => {
      payload.u = 'https://evil.example.net/';
    });
    for (const bad of [evil, 'garbage']) {
      const response = await call(s.url, `/v1/channels/click/${bad}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('location')).toBeNull();
      expect((await json(response)).error.code).toBe('UNAUTHORIZED');
    }
    const page = await call(s.url, `/v1/channels/click/${evil}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('This link is not valid');
    // A signed link to something that is not a web page is refused too.
    const script = s.acme.links!.tracking.click(messageId, an, 'javascript:alert(1)');
    const refused = await call(s.url, pathOf(script));
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect((await messageEvents(s.storage, an)).filter((name) => name === 'Message Clicked').length).toBe(
      before.filter((name) => name === 'Message Clicked').length + 1,
    );
  });

  it('answers tracking through a fetch-style host as well (the pixel as bytes)', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const messageId = await sendAndDrain(s.acme, an);
    const handler = createFetchHandler({
      identity: s.identity,
      workspaces: WORKSPACES,
      clock: s.clock,
      channels: { service: (workspaceId) => s.services.get(workspaceId) },
    });
    const pixel = await handler(new Request(s.acme.links!.tracking.openPixel(messageId, an)));
    await expectPixel(pixel);
    expect(await messageEvents(s.storage, an)).toContain('Message Opened');
  });
});

describe('provider webhooks', () => {
  /** A message sent on the webhook channel (the local receiver took it: `sent`). */
  async function sentOnWebhook(s: ChannelsServer, profileId: string) {
    const messageId = await sendAndDrain(s.acme, profileId, { channels: ['webhook'], step: 'hook' });
    expect(s.received).toHaveLength(1);
    expect((await s.acme.message(messageId))?.status).toBe('sent');
    return messageId;
  }

  const report = (messageId: string, at: string, eventId = 'evt-1') =>
    JSON.stringify({ id: messageId, status: 'delivered', at, eventId });

  const deliver = (
    s: ChannelsServer,
    body: string,
    signature: string,
    path = '/v1/channels/webhooks/acme/webhook',
  ) =>
    call(s.url, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cx-signature': signature },
      body,
    });

  it('verifies the signature over the raw body and records Message Delivered', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const messageId = await sentOnWebhook(s, an);
    const body = report(messageId, new Date(s.clock.now()).toISOString());
    const signature = signWebhookBody(WEBHOOK_SECRET, body, Math.floor(s.clock.now() / 1000));

    const response = await deliver(s, body, signature);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ recorded: 1, unknown: 0 });
    expect(await messageEvents(s.storage, an)).toContain('Message Delivered');
    expect((await s.acme.message(messageId))?.status).toBe('delivered');

    const unknown = report('msg_nobody', new Date(s.clock.now()).toISOString(), 'evt-2');
    const answer = await deliver(
      s,
      unknown,
      signWebhookBody(WEBHOOK_SECRET, unknown, Math.floor(s.clock.now() / 1000)),
    );
    expect(await answer.json()).toEqual({ recorded: 0, unknown: 1 });
  });

  it('a forged, stale or missing signature is 401 and records nothing', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const messageId = await sentOnWebhook(s, an);
    const before = await messageEvents(s.storage, an);
    const body = report(messageId, new Date(s.clock.now()).toISOString());
    const now = Math.floor(s.clock.now() / 1000);

    const forged = signWebhookBody('an-attacker-secret-that-is-long-enough-too', body, now);
    const stale = signWebhookBody(WEBHOOK_SECRET, body, now - 3600);
    const otherBody = signWebhookBody(WEBHOOK_SECRET, `${body} `, now);
    for (const signature of [forged, stale, otherBody, '']) {
      const response = await deliver(s, body, signature);
      expect(response.status).toBe(401);
      expect((await json(response)).error.code).toBe('UNAUTHORIZED');
    }
    expect(await messageEvents(s.storage, an)).toEqual(before);
    expect((await s.acme.message(messageId))?.status).toBe('sent');
  });

  it('an adapter without webhooks or a workspace without channels is 404; a huge body is refused', async () => {
    const s = await start();
    const body = report('msg_x', new Date(s.clock.now()).toISOString());
    const signature = signWebhookBody(WEBHOOK_SECRET, body, Math.floor(s.clock.now() / 1000));
    for (const path of [
      '/v1/channels/webhooks/acme/in-app',
      '/v1/channels/webhooks/acme/nope',
      '/v1/channels/webhooks/initech/webhook',
    ]) {
      const response = await deliver(s, body, signature, path);
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe('NOT_FOUND');
    }
    const huge = await deliver(s, 'x'.repeat(1024 * 1024 + 1), signature);
    expect(huge.status).toBe(400);
    expect((await json(huge)).error.code).toBe('LIMIT');
    const get = await call(s.url, '/v1/channels/webhooks/acme/webhook');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});
