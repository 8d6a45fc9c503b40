import { afterEach, describe, expect, it } from 'vitest';
import { createCollectionHandler, hashKey, type WorkspaceKeys } from '../src';
import { basic, json, listen, post, realIdentity } from './helpers';

// acme rotates its read key (old and new both live) and keeps its admin key only as a digest.
const WORKSPACES: WorkspaceKeys[] = [
  {
    workspaceId: 'acme',
    writeKey: 'wk_acme',
    readKey: ['rk_acme_old', { sha256: hashKey('rk_acme_new') }],
    adminKey: { sha256: hashKey('ak_acme').toUpperCase() },
  },
  { workspaceId: 'globex', writeKey: 'wk_globex', readKey: 'rk_globex', adminKey: 'ak_globex' },
];

/** Every kind of credential a request can carry against acme. */
const KEYS = {
  none: undefined,
  wrong: 'nope',
  write: 'wk_acme',
  readOld: 'rk_acme_old',
  readNew: 'rk_acme_new',
  admin: 'ak_acme',
  globexWrite: 'wk_globex',
  globexAdmin: 'ak_globex',
} as const;
type KeyName = keyof typeof KEYS;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function start() {
  const real = realIdentity();
  const server = await listen(createCollectionHandler({ identity: real.identity, workspaces: WORKSPACES }));
  close = server.close;
  return { ...real, url: server.url };
}

const call = (url: string, method: string, path: string, key: string | undefined) =>
  fetch(url + path, { method, headers: key === undefined ? {} : { authorization: basic(key) } });

const COLLECT_PATHS = ['track', 'identify', 'page', 'screen', 'group', 'alias', 'batch', 'import'];
const bodyFor = (path: string, n: number) => {
  const event = { userId: `u${n}`, previousId: `p${n}`, groupId: 'g', event: 'Viewed', messageId: `m${n}` };
  return path === 'batch' || path === 'import' ? { batch: [{ type: 'track', ...event }] } : event;
};

describe('key scopes: every route, every kind of key', () => {
  it('collection takes only write keys, and each write key reaches only its own workspace', async () => {
    const { url, stored } = await start();
    const expected: Record<KeyName, number> = {
      none: 401,
      wrong: 401,
      write: 200,
      readOld: 401,
      readNew: 401,
      admin: 401,
      globexWrite: 200,
      globexAdmin: 401,
    };
    let n = 0;
    const sent: Record<string, number> = { acme: 0, globex: 0 };
    for (const path of COLLECT_PATHS) {
      for (const [name, key] of Object.entries(KEYS) as [KeyName, string | undefined][]) {
        n += 1;
        const viaHeader = await post(`${url}/v1/${path}`, bodyFor(path, n), key);
        expect(viaHeader.status, `${path} with ${name} in the header`).toBe(expected[name]);
        n += 1;
        const viaBody = await post(`${url}/v1/${path}`, { ...bodyFor(path, n), writeKey: key });
        expect(viaBody.status, `${path} with ${name} in the body`).toBe(expected[name]);
        if (expected[name] === 401) {
          expect((await json(viaHeader)).error.code).toBe('UNAUTHORIZED');
        } else {
          sent[name === 'write' ? 'acme' : 'globex'] += 2;
        }
      }
    }
    expect(await stored('acme')).toHaveLength(sent.acme!);
    expect(await stored('globex')).toHaveLength(sent.globex!);
  });

  it('profile reads take read and admin keys; deletes take admin keys only; no key crosses workspaces', async () => {
    const { url, identity, stored } = await start();
    await identity.ingest('acme', [{ type: 'identify', userId: 'u1', traits: { email: 'an@example.com' } }]);
    const read: Record<KeyName, number> = {
      none: 401,
      wrong: 401,
      write: 401,
      readOld: 200,
      readNew: 200,
      admin: 200,
      globexWrite: 401,
      globexAdmin: 404,
    };
    for (const path of [
      '/v1/profiles/user_id:u1',
      '/v1/profiles/user_id:u1?view=360',
      '/v1/profiles/user_id:u1/events',
    ]) {
      for (const [name, key] of Object.entries(KEYS) as [KeyName, string | undefined][]) {
        const response = await call(url, 'GET', path, key);
        expect(response.status, `GET ${path} with ${name}`).toBe(read[name]);
        if (read[name] === 401) expect((await json(response)).error.code).toBe('UNAUTHORIZED');
      }
    }
    // Every key but acme's admin key leaves the person in place.
    for (const [name, key] of Object.entries(KEYS) as [KeyName, string | undefined][]) {
      if (name === 'admin') continue;
      const response = await call(url, 'DELETE', '/v1/profiles/user_id:u1', key);
      expect(response.status, `DELETE with ${name}`).toBe(name === 'globexAdmin' ? 404 : 401);
      expect(await stored('acme'), `DELETE with ${name}`).toHaveLength(1);
    }
    const deleted = await call(url, 'DELETE', '/v1/profiles/user_id:u1', KEYS.admin);
    expect(deleted.status).toBe(200);
    expect(await stored('acme')).toHaveLength(0);
  });

  it('names the kind of key a route wants, without echoing the key', async () => {
    const { url } = await start();
    const response = await call(url, 'DELETE', '/v1/profiles/user_id:u1', 'rk_acme_old');
    const body = await json(response);
    expect(body.error.code).toBe('UNAUTHORIZED');
    expect(body.error.message).toContain('admin key');
    expect(body.error.message).not.toContain('rk_acme_old');
  });
});
