import { ManualClock, memoryStorage } from '@cx/core';
import { createIdentity } from '@cx/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectionHandler } from '../src';
import { basic, json, listen } from './helpers';

const WORKSPACES = [
  { workspaceId: 'acme', writeKey: 'wk_acme', readKey: 'rk_acme', adminKey: 'ak_acme' },
  { workspaceId: 'globex', writeKey: 'wk_globex', adminKey: 'ak_globex' },
];
const Q = 'channels.outbox';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A server over a memory store with one dead letter, one waiting and one claimed item in acme. */
async function start(withWork = true) {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const storage = memoryStorage({ clock });
  await storage.work.schedule('acme', [
    { queue: Q, key: 'i1/email', payload: { to: 'an@example.com' } },
    { queue: Q, key: 'i2/sms', payload: { to: '+84901234567' } },
    { queue: Q, key: 'i3/push', dueAt: clock.now() + 60_000 },
  ]);
  const [dead, held] = await storage.work.claim('acme', Q, { owner: 'w1', limit: 2, leaseMs: 60_000 });
  await storage.work.deadLetter('acme', dead!, { reason: 'SMTP 550 mailbox unavailable' });
  const server = await listen(
    createCollectionHandler({
      identity: createIdentity({ storage }),
      workspaces: WORKSPACES,
      clock,
      ...(withWork ? { work: storage.work } : {}),
    }),
  );
  close = server.close;
  return { url: server.url, storage, held: held! };
}

const call = (url: string, method: string, path: string, key?: string) =>
  fetch(url + path, { method, headers: key === undefined ? {} : { authorization: basic(key) } });

describe('the work queue operator API', () => {
  it('shows counts and dead letters, retries a dead letter and cancels an item, for admin keys', async () => {
    const { url, storage } = await start();
    const stats = await json(await call(url, 'GET', '/v1/work', 'ak_acme'));
    expect(stats.queues).toEqual([
      { queue: Q, scheduled: 1, due: 0, claimed: 1, dead: 1, oldestDueAt: '2026-01-01T00:01:00.000Z' },
    ]);
    const dead = await json(await call(url, 'GET', `/v1/work/${Q}/dead-letters?limit=10`, 'ak_acme'));
    expect(dead).toEqual({
      items: [
        expect.objectContaining({
          key: 'i1/email',
          state: 'dead',
          lastError: 'SMTP 550 mailbox unavailable',
        }),
      ],
      nextCursor: null,
    });
    const item = await call(url, 'GET', `/v1/work/${Q}/items/i1%2Femail`, 'ak_acme');
    expect(await json(item)).toMatchObject({ key: 'i1/email', payload: { to: 'an@example.com' } });

    const retried = await call(url, 'POST', `/v1/work/${Q}/items/i1%2Femail/retry`, 'ak_acme');
    expect(retried.status).toBe(200);
    expect(await json(retried)).toMatchObject({
      state: 'scheduled',
      attempts: 0,
      payload: { to: 'an@example.com' },
    });
    const again = await call(url, 'POST', `/v1/work/${Q}/items/i1%2Femail/retry`, 'ak_acme');
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('CONFLICT');

    expect((await call(url, 'DELETE', `/v1/work/${Q}/items/i3%2Fpush`, 'ak_acme')).status).toBe(200);
    expect(await storage.work.get('acme', Q, 'i3/push')).toBeNull();
    expect((await call(url, 'DELETE', `/v1/work/${Q}/items/i3%2Fpush`, 'ak_acme')).status).toBe(404);
    expect((await call(url, 'GET', `/v1/work/${Q}/items/nope`, 'ak_acme')).status).toBe(404);
    expect((await call(url, 'GET', '/v1/work/Bad%20Queue/dead-letters', 'ak_acme')).status).toBe(400);
    expect((await call(url, 'PUT', '/v1/work', 'ak_acme')).status).toBe(405);
  });

  it('answers only admin keys, and only about their own workspace', async () => {
    const { url, storage } = await start();
    const paths: [string, string][] = [
      ['GET', '/v1/work'],
      ['GET', `/v1/work/${Q}/dead-letters`],
      ['GET', `/v1/work/${Q}/items/i1%2Femail`],
      ['POST', `/v1/work/${Q}/items/i1%2Femail/retry`],
      ['DELETE', `/v1/work/${Q}/items/i2%2Fsms`],
    ];
    for (const [method, path] of paths) {
      for (const key of [undefined, 'nope', 'wk_acme', 'rk_acme']) {
        const response = await call(url, method, path, key);
        expect(response.status, `${method} ${path} with ${key}`).toBe(401);
      }
    }
    // Another workspace's admin key sees its own, empty, workspace.
    expect((await json(await call(url, 'GET', '/v1/work', 'ak_globex'))).queues).toEqual([]);
    expect((await call(url, 'DELETE', `/v1/work/${Q}/items/i2%2Fsms`, 'ak_globex')).status).toBe(404);
    expect((await call(url, 'POST', `/v1/work/${Q}/items/i1%2Femail/retry`, 'ak_globex')).status).toBe(404);
    expect((await storage.work.get('acme', Q, 'i1/email'))?.state).toBe('dead');
    expect((await storage.work.get('acme', Q, 'i2/sms'))?.state).toBe('claimed');
  });

  it('is not there without the work option', async () => {
    const { url } = await start(false);
    const response = await call(url, 'GET', '/v1/work', 'ak_acme');
    expect(response.status).toBe(404);
    expect((await json(response)).error.code).toBe('NOT_FOUND');
  });
});
