import { createLinkSigner } from '@cx/channels';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChannelsServer,
  call,
  LINK_SECRETS,
  messageEvents,
  pathOf,
  person,
  sendAndDrain,
  startChannelsServer,
  tokenOf,
} from './channels-harness';
import { json } from './helpers';

let server: ChannelsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(factory?: Parameters<typeof startChannelsServer>[0]) {
  server = await startChannelsServer(factory);
  return server;
}

/** The unsubscribe link of a message just sent to `profileId`. */
async function unsubscribeLink(s: ChannelsServer, profileId: string): Promise<string> {
  const messageId = await sendAndDrain(s.acme, profileId);
  const record = await s.acme.message(messageId);
  return record!.links!.unsubscribe!;
}

/** What a person's consent and message events are: what a refused request must leave unchanged. */
async function stored(s: ChannelsServer, profileId: string) {
  return {
    preferences: await s.acme.preferences.get(profileId),
    events: await messageEvents(s.storage, profileId),
  };
}

const ONE_CLICK = {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'List-Unsubscribe=One-Click',
};

/** A token with its payload rewritten and its signature kept. */
function rewritten(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [body, signature] = token.split('.');
  const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
  change(payload);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe('unsubscribe links', () => {
  it('GET shows a confirmation page with a POST form and changes nothing', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const link = await unsubscribeLink(s, an);
    const before = await stored(s, an);

    const page = await call(s.url, pathOf(link), { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<form method="post">');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(html).toContain('Deals &amp; offers by in-app messages'); // the topic's name, escaped
    expect(html).not.toMatch(/<script|<link|src=/);

    // A scanner fetching the link twice unsubscribes nobody.
    await call(s.url, pathOf(link));
    expect(await stored(s, an)).toEqual(before);
    expect(before.events).not.toContain('Message Unsubscribed');
  });

  it('the RFC 8058 one-click POST unsubscribes from the topic; the next marketing send is suppressed', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const link = await unsubscribeLink(s, an);

    const response = await call(s.url, pathOf(link), ONE_CLICK);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('You are unsubscribed');
    const { preferences } = await s.acme.preferences.get(an);
    expect(preferences.channels['in-app']).toMatchObject({ topics: { promotions: false } });
    expect(await messageEvents(s.storage, an)).toContain('Message Unsubscribed');

    const next = await sendAndDrain(s.acme, an, { step: 'wave-2' });
    expect(await s.acme.message(next)).toMatchObject({
      status: 'suppressed',
      decision: { rule: 'unsubscribed-topic' },
    });
    expect(await messageEvents(s.storage, an)).toContain('Message Suppressed');
    // Transactional messages still go.
    const receipt = await sendAndDrain(s.acme, an, { step: 'receipt', category: 'transactional' });
    expect((await s.acme.message(receipt))?.status).toBe('delivered');
  });

  it('a link without a topic leaves the channel: the form POST answers JSON when asked', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const link = s.acme.links!.forMessage({ profileId: an, channel: 'in-app', messageId: 'not-a-message' });

    const response = await call(s.url, pathOf(link.unsubscribe!), {
      ...ONE_CLICK,
      headers: { ...ONE_CLICK.headers, accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ unsubscribed: true, channel: 'in-app' });
    expect((await s.acme.preferences.get(an)).preferences.channels['in-app']?.unsubscribed).toMatchObject({
      source: 'one-click',
    });
    const next = await sendAndDrain(s.acme, an, { step: 'wave-2' });
    expect((await s.acme.message(next))?.decision?.rule).toBe('unsubscribed-channel');
  });

  it('a forged, tampered or malformed token is 401 and changes nothing', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const bo = await person(s.storage, 'bo');
    const link = await unsubscribeLink(s, an);
    const token = tokenOf(link);
    const before = { an: await stored(s, an), bo: await stored(s, bo) };

    const forged = createLinkSigner({ secret: 'not-the-secret-but-just-as-long-as-one' }).sign({
      a: 'unsubscribe',
      w: 'acme',
      p: an,
      c: 'in-app',
    });
    const tampered = [
      rewritten(token, (payload) => {
        payload.p = bo; // someone else's profile under An's signature
      }),
      `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`,
      forged,
      'not-a-token',
    ];
    for (const bad of tampered) {
      const response = await call(s.url, `/v1/channels/unsubscribe/${bad}`, ONE_CLICK);
      expect(response.status).toBe(401);
      expect((await json(response)).error.code).toBe('UNAUTHORIZED');
      // A Basic challenge would make browsers ask for a password.
      expect(response.headers.get('www-authenticate')).not.toMatch(/^Basic/);
    }
    const page = await call(s.url, `/v1/channels/unsubscribe/${tampered[0]}`, {
      ...ONE_CLICK,
      headers: { ...ONE_CLICK.headers, accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('This link is not valid');
    expect({ an: await stored(s, an), bo: await stored(s, bo) }).toEqual(before);
  });

  it('refuses a token of another workspace, and a workspace the server does not serve is 404', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    await person(s.storage, 'an', {}, 'globex');
    const before = await stored(s, an);

    // Signed with acme's secret but naming globex: globex's service verifies it, and refuses it.
    const acmeSigner = createLinkSigner({ secret: LINK_SECRETS.acme! });
    const crossed = acmeSigner.sign({ a: 'unsubscribe', w: 'globex', p: an, c: 'in-app' });
    expect((await call(s.url, `/v1/channels/unsubscribe/${crossed}`, ONE_CLICK)).status).toBe(401);
    // A genuine globex token moved to acme: the signature no longer holds.
    const globexToken = tokenOf(s.services.get('globex')!.links!.preferencesUrl(an));
    const moved = rewritten(globexToken, (payload) => {
      payload.w = 'acme';
    });
    expect((await call(s.url, `/v1/channels/preferences/${moved}`)).status).toBe(401);

    const elsewhere = acmeSigner.sign({ a: 'unsubscribe', w: 'initech', p: an, c: 'in-app' });
    const missing = await call(s.url, `/v1/channels/unsubscribe/${elsewhere}`, ONE_CLICK);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('NOT_FOUND');
    expect(await stored(s, an)).toEqual(before);
    expect((await s.services.get('globex')!.preferences.get(an)).version).toBe(0);
  });

  it('refuses a factory that returns the service of another workspace', async () => {
    const s = await start((services) => () => services.get('acme'));
    await person(s.storage, 'an', {}, 'globex');
    const token = tokenOf(s.services.get('globex')!.links!.preferencesUrl('an'));
    const response = await call(s.url, `/v1/channels/preferences/${token}`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(500);
    expect((await json(response)).error.code).toBe('CONFIG');
  });
});

describe('the preference page', () => {
  it('answers JSON with the preferences and topics, and applies JSON changes', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const path = pathOf(s.acme.links!.preferencesUrl(an));

    const read = await call(s.url, path, { headers: { accept: 'application/json' } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    expect(await read.json()).toEqual({
      profileId: an,
      preferences: { channels: {} },
      topics: s.acme.topics,
    });

    const changed = await call(s.url, path, {
      method: 'POST',
      body: {
        changes: [
          { op: 'subscribe', topic: 'newsletter' },
          { op: 'unsubscribe', channel: 'webhook', topic: 'promotions' },
        ],
      },
    });
    expect(changed.status).toBe(200);
    const body = await json(changed);
    expect(body.preferences).toMatchObject({
      channels: {
        webhook: { topics: { newsletter: true, promotions: false } },
        email: { topics: { newsletter: true } },
      },
    });
    expect((await s.acme.preferences.get(an)).preferences).toEqual(body.preferences);

    const preflight = await call(s.url, path, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('refuses bad changes with their paths, and changes nothing', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const path = pathOf(s.acme.links!.preferencesUrl(an));
    await s.acme.preferences.change(an, [{ op: 'unsubscribe', channel: 'webhook' }], 'api');
    const before = await s.acme.preferences.get(an);

    const cases: [unknown, string][] = [
      [{ changes: [{ op: 'subscribe', channel: 'webhook' }, { op: 'explode' }] }, 'changes[1].op'],
      [{ changes: [{ op: 'unsubscribe', channel: 'carrier-pigeon' }] }, 'changes[0].channel'],
      [{ changes: [] }, 'changes'],
      [{ changes: [{ op: 'subscribe' }], extra: true }, ''],
    ];
    for (const [body, issuePath] of cases) {
      const response = await call(s.url, path, { method: 'POST', body });
      expect(response.status).toBe(400);
      const error = (await json(response)).error;
      expect(error.code).toBe('VALIDATION');
      expect(error.issues.map((issue) => issue.path)).toContain(issuePath);
    }
    const unknownTopic = await call(s.url, path, {
      method: 'POST',
      body: {
        changes: [
          { op: 'subscribe', channel: 'webhook' },
          { op: 'subscribe', topic: 'gossip' },
        ],
      },
    });
    expect(unknownTopic.status).toBe(400);
    const badJson = await call(s.url, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"changes": [',
    });
    expect(badJson.status).toBe(400);
    expect(await s.acme.preferences.get(an)).toEqual(before);
  });

  it('shows an HTML form of the topics per channel and takes its POST', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const path = pathOf(s.acme.links!.preferencesUrl(an));

    const page = await call(s.url, path, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain('Deals &amp; offers');
    expect(html).toMatch(/name="topic:promotions:in-app" value="1" checked/);
    expect(html).toMatch(/name="topic:promotions:webhook" value="1" checked/);
    expect(html).toMatch(/name="topic:newsletter" value="1">/); // opt-in: unticked until joined
    expect(html).toContain('Unsubscribe from all marketing');

    // Untick promotions on in-app, tick the newsletter; the rest as shown.
    const form = new URLSearchParams([
      ['topic:promotions:in-app', '0'],
      ['topic:promotions:webhook', '0'],
      ['topic:promotions:webhook', '1'],
      ['topic:newsletter', '0'],
      ['topic:newsletter', '1'],
      ['channel:in-app', '0'],
      ['channel:in-app', '1'],
      ['channel:webhook', '0'],
      ['channel:webhook', '1'],
      ['all', '0'],
    ]);
    const saved = await call(s.url, path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(saved.status).toBe(200);
    const savedHtml = await saved.text();
    expect(savedHtml).toContain('Your preferences are saved');
    expect(savedHtml).toMatch(/name="topic:promotions:in-app" value="1">/);
    expect(savedHtml).toMatch(/name="topic:newsletter" value="1" checked/);
    const { preferences } = await s.acme.preferences.get(an);
    expect(preferences.channels['in-app']?.topics).toEqual({ promotions: false, newsletter: true });
    expect(preferences.channels.webhook?.topics).toEqual({ newsletter: true });
    expect(preferences.unsubscribedAll).toBeUndefined();

    // Unsubscribe from all.
    await call(s.url, path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'all=0&all=1',
    });
    expect((await s.acme.preferences.get(an)).preferences.unsubscribedAll).toMatchObject({
      source: 'preference-page',
    });
  });

  it('refuses a form with a choice the page does not have, with a small HTML page, and changes nothing', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const path = pathOf(s.acme.links!.preferencesUrl(an));
    const response = await call(s.url, path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'all=1&topic:gossip:email=1',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const asJson = await call(s.url, path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'all=1&topic:promotions:in-app=maybe',
    });
    expect(asJson.status).toBe(400);
    expect((await json(asJson)).error.issues.map((issue) => issue.path)).toEqual(['topic:promotions:in-app']);
    expect((await s.acme.preferences.get(an)).version).toBe(0);
  });

  it('an unsubscribe token does not open the preference page', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const link = await unsubscribeLink(s, an);
    const response = await call(s.url, `/v1/channels/preferences/${tokenOf(link)}`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(401);
  });
});
