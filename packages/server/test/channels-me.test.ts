import { afterEach, describe, expect, it } from 'vitest';
import { type ChannelsServer, call, person, sendAndDrain, startChannelsServer } from './channels-harness';
import { json } from './helpers';

let server: ChannelsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server where An has two unread in-app messages (`first`, then `second`). */
async function withInbox() {
  const s = await startChannelsServer();
  server = s;
  const an = await person(s.storage, 'an');
  const bo = await person(s.storage, 'bo');
  const first = await sendAndDrain(s.acme, an, { step: 'wave-1' });
  s.clock.advance(60_000);
  const second = await sendAndDrain(s.acme, an, { step: 'wave-2', topic: undefined });
  return {
    s,
    an,
    bo,
    first,
    second,
    anToken: s.acme.links!.profileToken(an),
    boToken: s.acme.links!.profileToken(bo),
  };
}

const post = (s: ChannelsServer, path: string, bearer: string, body: unknown) =>
  call(s.url, path, { method: 'POST', bearer, body });

describe('/v1/me/inbox', () => {
  it('lists, counts, reads, archives and unreads the person’s own messages', async () => {
    const { s, an, first, second, anToken } = await withInbox();

    const listed = await call(s.url, '/v1/me/inbox', { bearer: anToken });
    expect(listed.status).toBe(200);
    const page = await json(listed);
    expect(
      (page.items as { id: string; title: string; status: string }[]).map((item) => [item.id, item.status]),
    ).toEqual([
      [second, 'unread'],
      [first, 'unread'],
    ]);
    expect((page.items as { title: string }[])[0]!.title).toBe('Hi an');
    expect(await (await call(s.url, '/v1/me/inbox/unread-count', { bearer: anToken })).json()).toEqual({
      unreadCount: 2,
    });

    expect(await (await post(s, '/v1/me/inbox/read', anToken, { ids: [first] })).json()).toEqual({
      changed: 1,
      unreadCount: 1,
    });
    expect(await (await post(s, '/v1/me/inbox/archive', anToken, { ids: [second] })).json()).toEqual({
      changed: 1,
      unreadCount: 0,
    });
    const archived = await json(
      await call(s.url, '/v1/me/inbox?status=archived&limit=5', { bearer: anToken }),
    );
    expect((archived.items as { id: string }[]).map((item) => item.id)).toEqual([second]);
    const paged = await json(await call(s.url, '/v1/me/inbox?status=all&limit=1', { bearer: anToken }));
    expect(paged.items).toHaveLength(1);
    expect(typeof paged.nextCursor).toBe('string');
    const rest = await json(
      await call(
        s.url,
        `/v1/me/inbox?status=all&limit=1&cursor=${encodeURIComponent(String(paged.nextCursor))}`,
        {
          bearer: anToken,
        },
      ),
    );
    expect((rest.items as { id: string }[]).map((item) => item.id)).toEqual([first]);

    expect(await (await post(s, '/v1/me/inbox/unread', anToken, { ids: [first, second] })).json()).toEqual({
      changed: 2,
      unreadCount: 2,
    });
    expect(await (await post(s, '/v1/me/inbox/read', anToken, { all: true })).json()).toEqual({
      changed: 2,
      unreadCount: 0,
    });
    expect(await s.inboxes.get('acme')!.unreadCount(an)).toBe(0);
  });

  it("another person's token cannot see or touch your messages", async () => {
    const { s, an, first, boToken } = await withInbox();
    expect((await json(await call(s.url, '/v1/me/inbox', { bearer: boToken }))).items).toEqual([]);
    for (const path of ['/v1/me/inbox/read', '/v1/me/inbox/archive', '/v1/me/inbox/unread']) {
      const response = await post(s, path, boToken, { ids: [first] });
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe('NOT_FOUND');
    }
    expect(await s.inboxes.get('acme')!.unreadCount(an)).toBe(2);
    expect((await s.inboxes.get('acme')!.get(an, first)).status).toBe('unread');
  });

  it('takes only a valid profile token of the workspace', async () => {
    const { s, an, anToken } = await withInbox();
    const unsubscribeToken = new URL(
      s.acme.links!.forMessage({ profileId: an, channel: 'in-app', messageId: 'm' }).unsubscribe!,
    ).pathname
      .split('/')
      .at(-1)!;
    const globexToken = s.services.get('globex')!.links!.profileToken(an);
    const [body, signature] = anToken.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
    const someoneElse = `${Buffer.from(JSON.stringify({ ...payload, p: 'bo' })).toString('base64url')}.${signature}`;

    const missing = await call(s.url, '/v1/me/inbox');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="cx"');
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
    expect((await call(s.url, '/v1/me/inbox', { key: 'rk_acme' })).status).toBe(401);
    for (const bad of [someoneElse, unsubscribeToken, 'garbage', `${anToken}x`]) {
      const response = await call(s.url, '/v1/me/inbox/unread-count', { bearer: bad });
      expect(response.status).toBe(401);
      expect((await json(response)).error.code).toBe('UNAUTHORIZED');
    }
    // A globex token opens globex's inbox, where An has nothing: never acme's.
    expect((await json(await call(s.url, '/v1/me/inbox', { bearer: globexToken }))).items).toEqual([]);
  });

  it('refuses bad input with its path, and changes nothing', async () => {
    const { s, an, first, anToken } = await withInbox();
    const cases: [string, unknown, string][] = [
      ['/v1/me/inbox/read', { ids: [] }, 'ids'],
      ['/v1/me/inbox/read', { all: false }, ''],
      ['/v1/me/inbox/archive', { ids: first }, 'ids'],
      ['/v1/me/inbox/archive', { ids: [first, ''] }, 'ids[1]'],
      ['/v1/me/inbox/unread', { ids: [first], extra: 1 }, ''],
    ];
    for (const [path, body, issuePath] of cases) {
      const response = await post(s, path, anToken, body);
      expect(response.status).toBe(400);
      const error = (await json(response)).error;
      expect(error.code).toBe('VALIDATION');
      expect(error.issues.map((issue) => issue.path)).toContain(issuePath);
    }
    expect((await post(s, '/v1/me/inbox/read', anToken, '{"ids": [')).status).toBe(400);
    for (const query of ['limit=0', 'limit=abc', 'status=deleted', 'sort=asc']) {
      expect((await call(s.url, `/v1/me/inbox?${query}`, { bearer: anToken })).status).toBe(400);
    }
    expect(await s.inboxes.get('acme')!.unreadCount(an)).toBe(2);
  });

  it('answers the CORS preflight and sends CORS headers: browsers call it from any origin', async () => {
    const { s, anToken } = await withInbox();
    const preflight = await call(s.url, '/v1/me/inbox/read', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const listed = await call(s.url, '/v1/me/inbox', {
      bearer: anToken,
      headers: { origin: 'https://shop.example.com' },
    });
    expect(listed.headers.get('access-control-allow-origin')).toBe('*');
    expect((await call(s.url, '/v1/me/inbox', { method: 'DELETE', bearer: anToken })).status).toBe(405);
  });
});

describe('/v1/me push registration', () => {
  const subscription = {
    endpoint: 'https://fcm.googleapis.com/fcm/send/abc123',
    expirationTime: null,
    keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
  };

  it('registers a browser push subscription and a mobile device for the person', async () => {
    const { s, an, anToken } = await withInbox();
    const response = await post(s, '/v1/me/push-subscriptions', anToken, subscription);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ registered: true });
    const device = await post(s, '/v1/me/devices', anToken, { platform: 'fcm', token: 'fcm-token-123456' });
    expect(device.status).toBe(200);
    const { devices } = await s.acme.devices.get(an);
    expect(devices.webPush.map((each) => each.subscription.endpoint)).toEqual([subscription.endpoint]);
    expect(devices.mobile.map((each) => each.device)).toEqual([
      { platform: 'fcm', token: 'fcm-token-123456' },
    ]);
  });

  it('refuses a bad subscription or device with its path, and stores nothing', async () => {
    const { s, an, anToken } = await withInbox();
    const cases: [string, unknown, string][] = [
      [
        '/v1/me/push-subscriptions',
        { ...subscription, endpoint: 'http://insecure.example.com/push' },
        'endpoint',
      ],
      [
        '/v1/me/push-subscriptions',
        { ...subscription, keys: { p256dh: 'short', auth: subscription.keys.auth } },
        'keys.p256dh',
      ],
      ['/v1/me/push-subscriptions', { endpoint: subscription.endpoint }, 'keys'],
      ['/v1/me/push-subscriptions', ['not', 'an', 'object'], ''],
      ['/v1/me/devices', { platform: 'blackberry', token: 'fcm-token-123456' }, 'platform'],
      ['/v1/me/devices', { platform: 'apns' }, 'token'],
    ];
    for (const [path, body, issuePath] of cases) {
      const response = await post(s, path, anToken, body);
      expect(response.status).toBe(400);
      const error = (await json(response)).error;
      expect(error.code).toBe('VALIDATION');
      expect(error.issues.map((issue) => issue.path)).toContain(issuePath);
    }
    expect((await s.acme.devices.get(an)).version).toBe(0);
  });
});
