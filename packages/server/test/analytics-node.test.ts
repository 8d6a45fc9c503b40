import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStorage, type Storage } from '@cx/core';
import { createIdentity } from '@cx/identity';
import { sqliteStorage } from '@cx/storage-sqlite';
import { Analytics } from '@segment/analytics-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectionHandler } from '../src';
import { basic, json, listen, post } from './helpers';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function sqliteFile(): Storage {
  const dir = mkdtempSync(join(tmpdir(), 'cx-server-'));
  const storage = sqliteStorage({ filename: join(dir, 'cx.db') });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => storage.close());
  return storage;
}

async function start(storage: Storage) {
  const identity = createIdentity({ storage });
  const server = await listen(
    createCollectionHandler({
      identity,
      workspaces: [
        { workspaceId: 'acme', writeKey: 'wk_acme', readKey: 'rk_acme', adminKey: 'ak_acme' },
        { workspaceId: 'globex', writeKey: 'wk_globex', readKey: 'rk_globex' },
      ],
    }),
  );
  cleanups.push(server.close);
  return server.url;
}

const read = (url: string, path: string, key = 'rk_acme') =>
  fetch(url + path, { headers: { authorization: basic(key) } });

describe.each([
  ['memory', () => memoryStorage()],
  ['sqlite', sqliteFile],
])('an unmodified @segment/analytics-node against the server (%s storage)', (_name, makeStorage) => {
  it('delivers identify, track, page, group and alias; the profile becomes readable, then deletable', async () => {
    const url = await start(makeStorage());
    const analytics = new Analytics({ writeKey: 'wk_acme', host: url, flushAt: 1, maxRetries: 0 });
    const requests: string[] = [];
    analytics.on('http_request', (request) => requests.push(request.url));
    const failures: unknown[] = [];
    const done = (error?: unknown) => {
      if (error) failures.push(error);
    };
    analytics.identify(
      { userId: 'u1', anonymousId: 'a1', traits: { email: ' An@Example.com ', name: 'An' } },
      done,
    );
    analytics.track({ userId: 'u1', event: 'Order Completed', properties: { revenue: 25 } }, done);
    analytics.page({ anonymousId: 'a1', name: 'Home' }, done);
    analytics.group({ userId: 'u1', groupId: 'g1', traits: { name: 'Acme Corp' } }, done);
    analytics.alias({ userId: 'u1', previousId: 'a0' }, done);
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(5);
    expect(new Set(requests)).toEqual(new Set([`${url}/v1/batch`]));

    const response = await read(url, '/v1/profiles/email:an%40example.com');
    expect(response.status).toBe(200);
    const profile = await json(response);
    expect(Object.keys(profile).sort()).toEqual(['consent', 'id', 'identifiers', 'traits']);
    expect(profile.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'user_id', value: 'u1' },
        { type: 'anonymous_id', value: 'a1' },
        { type: 'anonymous_id', value: 'a0' },
        { type: 'email', value: 'an@example.com' },
      ]),
    );
    expect(profile.traits).toMatchObject({ name: 'An' });
    const byUserId = await json(await read(url, '/v1/profiles/user_id:u1'));
    expect(byUserId.id).toBe(profile.id);

    const events = await json(await read(url, '/v1/profiles/user_id:u1/events?limit=50'));
    const items = events.items as { type: string; event?: string }[];
    expect(items.map((event) => event.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'track']);
    expect(items.find((event) => event.type === 'track')?.event).toBe('Order Completed');

    // Another workspace never sees it.
    expect((await read(url, '/v1/profiles/user_id:u1', 'rk_globex')).status).toBe(404);

    const deleted = await fetch(`${url}/v1/profiles/email:an%40example.com`, {
      method: 'DELETE',
      headers: { authorization: basic('ak_acme') },
    });
    expect(deleted.status).toBe(200);
    expect(await json(deleted)).toMatchObject({
      deleted: true,
      events: 5,
      profileIds: expect.arrayContaining([profile.id]),
    });
    expect((await read(url, '/v1/profiles/user_id:u1')).status).toBe(404);
    expect((await read(url, '/v1/profiles/user_id:u1/events')).status).toBe(404);
  });
});

describe('bad input against the real identity stores nothing partially', () => {
  it('a refused batch stores none of its events; a rejected call is reported and its batch-mates stored', async () => {
    const storage = memoryStorage();
    const url = await start(storage);
    const oversize = await post(
      `${url}/v1/batch`,
      {
        batch: [
          { type: 'identify', userId: 'u9', traits: { email: 'nine@x.co' } },
          { type: 'track', userId: 'u9', event: 'Big', properties: { blob: 'x'.repeat(40_000) } },
        ],
      },
      'wk_acme',
    );
    expect(oversize.status).toBe(400);
    expect((await read(url, '/v1/profiles/user_id:u9')).status).toBe(404);
    expect((await storage.events.scan('acme')).items).toEqual([]);

    const mixed = await post(
      `${url}/v1/batch`,
      {
        batch: [
          { type: 'track', event: 'No Id' },
          { type: 'identify', userId: 'u9', messageId: 'ok-1' },
        ],
      },
      'wk_acme',
    );
    expect(mixed.status).toBe(200);
    expect(await json(mixed)).toMatchObject({
      success: true,
      accepted: 1,
      rejected: 1,
      results: [
        { index: 0, status: 'rejected', code: 'VALIDATION' },
        { index: 1, status: 'accepted', messageId: 'ok-1' },
      ],
    });
    expect((await storage.events.scan('acme')).items.map((event) => event.messageId)).toEqual(['ok-1']);

    const again = await post(`${url}/v1/identify`, { userId: 'u9', messageId: 'ok-1' }, 'wk_acme');
    expect(await json(again)).toMatchObject({ duplicates: 1, results: [{ status: 'duplicate' }] });
  });
});
