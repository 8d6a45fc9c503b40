import { gzipSync } from 'node:zlib';
import { ManualClock } from '@cx/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type CollectorOptions, createCollectionHandler } from '../src';
import { basic, json, listen, post, realIdentity } from './helpers';

const WORKSPACES = [
  { writeKey: 'wk_acme', workspaceId: 'acme', readKey: 'rk_acme' },
  { writeKey: 'wk_globex', workspaceId: 'globex', readKey: 'rk_globex' },
];

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function start(extra: Partial<CollectorOptions> = {}) {
  const real = realIdentity();
  const server = await listen(
    createCollectionHandler({ identity: real.identity, workspaces: WORKSPACES, ...extra }),
  );
  close = server.close;
  return { ...real, url: server.url };
}

const track = (extra: Record<string, unknown> = {}) => ({ event: 'Viewed', userId: 'u1', ...extra });

describe('collection routes', () => {
  it('takes the call type from the path and answers with per-call results', async () => {
    const { url, stored } = await start();
    const response = await post(
      `${url}/v1/track`,
      { ...track(), type: 'identify', messageId: 'm1' },
      'wk_acme',
    );
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({
      success: true,
      accepted: 1,
      rejected: 0,
      results: [{ index: 0, messageId: 'm1', status: 'accepted' }],
    });
    expect(await stored('acme')).toEqual([expect.objectContaining({ type: 'track', messageId: 'm1' })]);
  });

  it('accepts all six call types', async () => {
    const { url, stored, log } = await start();
    const calls = {
      identify: { userId: 'u1', traits: { email: 'a@b.co' } },
      track: track(),
      page: { anonymousId: 'a1', name: 'Home' },
      screen: { anonymousId: 'a1', name: 'Cart' },
      group: { userId: 'u1', groupId: 'g1' },
      alias: { userId: 'u1', previousId: 'a1' },
    };
    for (const [type, body] of Object.entries(calls)) {
      const response = await post(`${url}/v1/${type}`, body, 'wk_acme');
      expect(response.status, type).toBe(200);
    }
    expect((await stored('acme')).map((event) => event.type)).toEqual(Object.keys(calls));
    // The alias joined a1's profile to u1's: the merge is in the log right after it.
    const last = (await log('acme')).at(-1);
    expect(last).toMatchObject({ type: 'track', event: 'Profile Merged' });
  });

  it('merges the batch context and integrations into each item, the item winning', async () => {
    const { url, stored } = await start();
    const response = await post(
      `${url}/v1/batch`,
      {
        batch: [
          { type: 'track', ...track(), context: { locale: 'vi-VN' }, integrations: { All: false } },
          { type: 'page', anonymousId: 'a1' },
        ],
        context: { locale: 'en-US', ip: '10.0.0.1' },
        integrations: { All: true, Mixpanel: false },
        sentAt: '2026-01-01T00:00:00.000Z',
      },
      'wk_acme',
    );
    expect(response.status).toBe(200);
    expect(await stored('acme')).toEqual([
      expect.objectContaining({
        context: { locale: 'vi-VN', ip: '10.0.0.1' },
        integrations: { All: false, Mixpanel: false },
        sentAt: '2026-01-01T00:00:00.000Z',
      }),
      expect.objectContaining({
        context: { locale: 'en-US', ip: '10.0.0.1' },
        integrations: { All: true, Mixpanel: false },
      }),
    ]);
  });

  it('reports a call with no userId or anonymousId: 400 for a single call, a rejected result in a batch', async () => {
    const { url } = await start();
    const single = await post(`${url}/v1/track`, { event: 'Viewed' }, 'wk_acme');
    expect(single.status).toBe(400);
    const singleBody = await json(single);
    expect(singleBody).toMatchObject({ success: false, rejected: 1, error: { code: 'VALIDATION' } });
    expect(singleBody.error.issues[0].path).toBe('userId');

    const batch = await post(
      `${url}/v1/batch`,
      {
        batch: [
          { type: 'track', event: 'Viewed' },
          { type: 'track', ...track() },
        ],
      },
      'wk_acme',
    );
    expect(batch.status).toBe(200);
    expect(await json(batch)).toMatchObject({
      accepted: 1,
      rejected: 1,
      results: [
        { index: 0, status: 'rejected', code: 'VALIDATION' },
        { index: 1, status: 'accepted' },
      ],
    });
  });

  it('reads gzip bodies and limits their decompressed size', async () => {
    const { url, stored } = await start();
    const bytes = await fetch(`${url}/v1/track`, {
      method: 'POST',
      headers: {
        authorization: basic('wk_acme'),
        'content-encoding': 'gzip',
        'content-type': 'application/json',
      },
      body: new Blob([gzipSync(JSON.stringify(track({ messageId: 'gz' })))]),
    });
    expect(bytes.status).toBe(200);
    expect(await stored('acme')).toEqual([expect.objectContaining({ messageId: 'gz' })]);
    // 1 MB of JSON compresses to a few KB: the limit applies to what it expands to.
    const bomb = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: basic('wk_acme'),
        'content-encoding': 'gzip',
        'content-type': 'application/json',
      },
      body: new Blob([
        gzipSync(JSON.stringify({ batch: [track({ properties: { pad: ' '.repeat(1_000_000) } })] })),
      ]),
    });
    expect(bomb.status).toBe(400);
    expect((await json(bomb)).error.code).toBe('LIMIT');
    expect(await stored('acme')).toHaveLength(1);
  });
});

describe('bad input at the HTTP edge', () => {
  it('answers 400 to bad JSON and stores nothing', async () => {
    const { url, stored } = await start();
    const response = await post(`${url}/v1/batch`, '{"batch": [', 'wk_acme');
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({
      error: { code: 'VALIDATION', issues: [{ code: 'invalid_json' }] },
    });
    expect(await stored('acme')).toEqual([]);
  });

  it('answers 400 LIMIT to a single call above 32 KB', async () => {
    const { url, stored } = await start();
    const response = await post(
      `${url}/v1/track`,
      track({ properties: { blob: 'x'.repeat(33 * 1024) } }),
      'wk_acme',
    );
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('LIMIT');
    expect(await stored('acme')).toEqual([]);
  });

  it('refuses a whole batch with one item above 32 KB, storing none of it', async () => {
    const { url, stored } = await start();
    const response = await post(
      `${url}/v1/batch`,
      {
        batch: [
          { type: 'track', ...track() },
          { type: 'track', ...track({ properties: { blob: 'x'.repeat(33 * 1024) } }) },
        ],
      },
      'wk_acme',
    );
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('LIMIT');
    expect(await stored('acme')).toEqual([]);
  });

  it('answers 400 LIMIT to a batch above 500 KB, with or without content-length', async () => {
    const { url, stored } = await start();
    const batch = Array.from({ length: 40 }, () => ({
      type: 'track',
      ...track({ properties: { blob: 'x'.repeat(15_000) } }),
    }));
    const response = await post(`${url}/v1/batch`, { batch }, 'wk_acme');
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatchObject({ code: 'LIMIT' });

    // Chunked upload, no content-length: the server must stop at the limit while streaming.
    const text = JSON.stringify({ batch });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < text.length; at += 16_384)
          controller.enqueue(new TextEncoder().encode(text.slice(at, at + 16_384)));
        controller.close();
      },
    });
    const chunked = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: basic('wk_acme'), 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(400);
    expect((await json(chunked)).error.code).toBe('LIMIT');
    expect(await stored('acme')).toEqual([]);
  });

  it('answers 400 to a batch without a batch array', async () => {
    const { url } = await start();
    for (const body of [{}, { batch: [] }, { batch: 'no' }, [1, 2]]) {
      const response = await post(`${url}/v1/batch`, body, 'wk_acme');
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBe('VALIDATION');
    }
  });

  it('answers 401 to a missing or unknown write key, in the header or the body', async () => {
    const { url, stored } = await start();
    const cases = [
      await post(`${url}/v1/track`, track()),
      await post(`${url}/v1/track`, track(), 'wk_nope'),
      await post(`${url}/v1/batch`, { batch: [{ type: 'track', ...track() }], writeKey: 'wk_nope' }),
      await post(`${url}/v1/track`, track(), 'rk_globex'),
    ];
    for (const response of cases) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Basic');
      expect((await json(response)).error.code).toBe('UNAUTHORIZED');
    }
    expect(await stored('acme')).toEqual([]);
  });

  it('accepts the write key in the body, as analytics-node sends it', async () => {
    const { url, stored } = await start();
    const response = await post(`${url}/v1/batch`, {
      batch: [{ type: 'track', ...track() }],
      writeKey: 'wk_globex',
    });
    expect(response.status).toBe(200);
    expect(await stored('acme')).toEqual([]);
    expect(await stored('globex')).toHaveLength(1);
  });

  it('answers 429 with Retry-After above the rate, per write key, on the injected clock', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const { url } = await start({ clock, rateLimit: { requestsPerSecond: 2, burst: 2 } });
    expect((await post(`${url}/v1/track`, track(), 'wk_acme')).status).toBe(200);
    expect((await post(`${url}/v1/track`, track(), 'wk_acme')).status).toBe(200);
    const limited = await post(`${url}/v1/track`, track(), 'wk_acme');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(clock.now() + 500);
    expect((await json(limited)).error.code).toBe('LIMIT');
    // Another key has its own bucket.
    expect((await post(`${url}/v1/track`, track(), 'wk_globex')).status).toBe(200);
    clock.advance(500);
    expect((await post(`${url}/v1/track`, track(), 'wk_acme')).status).toBe(200);
    expect((await post(`${url}/v1/track`, track(), 'wk_acme')).status).toBe(429);
  });

  it('answers 404 to unknown paths and 405 to wrong methods, as JSON', async () => {
    const { url } = await start();
    const unknown = await post(`${url}/v1/nope`, track(), 'wk_acme');
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe('NOT_FOUND');
    const outside = await fetch(`${url}/health`);
    expect(outside.status).toBe(404);
    const wrongMethod = await fetch(`${url}/v1/track`, { headers: { authorization: basic('wk_acme') } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('CORS', () => {
  it('opens collection to browsers on any origin (preflight, success and errors), never the Profile API', async () => {
    const { url } = await start();
    const preflight = await fetch(`${url}/v1/batch`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const ok = await post(`${url}/v1/track`, track(), 'wk_acme');
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const refused = await post(`${url}/v1/track`, track(), 'wk_nope');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    const profile = await fetch(`${url}/v1/profiles/user_id:u1`, {
      headers: { authorization: basic('rk_acme') },
    });
    expect(profile.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('profile API', () => {
  it('reads with the read key; another workspace gets 404, the write key 401', async () => {
    const { url, identity } = await start();
    await identity.ingest('acme', [{ type: 'identify', userId: 'u1', traits: { email: 'An@Example.com' } }]);
    await identity.ingest('globex', [
      { type: 'identify', userId: 'u2', traits: { email: 'bo@example.com' } },
    ]);
    const own = await fetch(`${url}/v1/profiles/email:an%40example.com`, {
      headers: { authorization: basic('rk_acme') },
    });
    expect(own.status).toBe(200);
    const profile = await json(own);
    expect(profile).toEqual({
      id: expect.any(String),
      identifiers: expect.arrayContaining([
        { type: 'user_id', value: 'u1' },
        { type: 'email', value: 'an@example.com' },
      ]),
      traits: { email: 'An@Example.com' },
      consent: {},
    });
    expect(Object.keys(profile).sort()).toEqual(['consent', 'id', 'identifiers', 'traits']);
    const full = await json(
      await fetch(`${url}/v1/profiles/email:an%40example.com?view=360`, {
        headers: { authorization: basic('rk_acme') },
      }),
    );
    expect(full).toMatchObject({ id: profile.id, eventCounts: { total: 1 }, suppressed: false });
    const badView = await fetch(`${url}/v1/profiles/email:an%40example.com?view=all`, {
      headers: { authorization: basic('rk_acme') },
    });
    expect(badView.status).toBe(400);
    const other = await fetch(`${url}/v1/profiles/email:bo%40example.com`, {
      headers: { authorization: basic('rk_acme') },
    });
    expect(other.status).toBe(404);
    expect((await json(other)).error.code).toBe('NOT_FOUND');
    const writeKey = await fetch(`${url}/v1/profiles/email:bo%40example.com`, {
      headers: { authorization: basic('wk_globex') },
    });
    expect(writeKey.status).toBe(401);
    const readKey = await fetch(`${url}/v1/profiles/email:bo%40example.com`, {
      headers: { authorization: basic('rk_globex') },
    });
    expect(readKey.status).toBe(200);
    const none = await fetch(`${url}/v1/profiles/email:bo%40example.com`);
    expect(none.status).toBe(401);
  });

  it('answers 400 to a malformed reference or query', async () => {
    const { url } = await start();
    const headers = { authorization: basic('rk_acme') };
    for (const path of [
      '/v1/profiles/noseparator',
      '/v1/profiles/Email:x',
      '/v1/profiles/email:',
      '/v1/profiles/email:%E0%A4%A',
    ]) {
      const response = await fetch(url + path, { headers });
      expect(response.status, path).toBe(400);
      expect((await json(response)).error.code).toBe('VALIDATION');
    }
    const badLimit = await fetch(`${url}/v1/profiles/email:a%40b.co/events?limit=-1`, { headers });
    expect(badLimit.status).toBe(400);
  });
});

describe('configuration', () => {
  it('throws CONFIG for bad options', () => {
    const { identity } = realIdentity();
    const bad: unknown[] = [
      { identity, workspaces: [] },
      { identity: {}, workspaces: WORKSPACES },
      { identity, workspaces: [{ writeKey: '', workspaceId: 'acme' }] },
      { identity, workspaces: [{ writeKey: 'k', workspaceId: 'bad id!' }] },
      { identity, workspaces: [...WORKSPACES, { writeKey: 'wk_acme', workspaceId: 'other' }] },
      { identity, workspaces: [{ workspaceId: 'acme', writeKey: 'k', readKey: 'k' }] },
      { identity, workspaces: [{ workspaceId: 'acme' }] },
      { identity, workspaces: [{ workspaceId: 'acme', readKey: [] }] },
      { identity, workspaces: [{ workspaceId: 'acme', adminKey: { sha256: 'abc' } }] },
      { identity, workspaces: WORKSPACES, rateLimit: { requestsPerSecond: 0 } },
      { identity, workspaces: WORKSPACES, basePath: 'cx/' },
    ];
    for (const options of bad) {
      expect(() => createCollectionHandler(options as CollectorOptions)).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
    }
  });
});
