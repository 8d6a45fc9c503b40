import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchHandler, expressCollector, fastifyCollector, honoCollector } from '../src';
import { basic, json, post, realIdentity } from './helpers';

const workspaces = [{ workspaceId: 'acme', writeKey: 'wk_acme', readKey: 'rk_acme', adminKey: 'ak_acme' }];
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const track = { event: 'Viewed', userId: 'u1' };

/** Shared checks: a call is collected under the mount path, limits hold, the app's own routes still work. */
async function checkMounted(base: string, stored: (workspaceId: string) => Promise<unknown[]>) {
  const ok = await post(`${base}/cx/v1/track`, track, 'wk_acme');
  expect(ok.status).toBe(200);
  expect(await json(ok)).toMatchObject({ success: true, accepted: 1 });
  const unauthorized = await post(`${base}/cx/v1/track`, track, 'wk_wrong');
  expect(unauthorized.status).toBe(401);
  const oversize = await post(
    `${base}/cx/v1/track`,
    { ...track, properties: { blob: 'x'.repeat(40_000) } },
    'wk_acme',
  );
  expect(oversize.status).toBe(400);
  expect((await json(oversize)).error.code).toBe('LIMIT');
  const badJson = await post(`${base}/cx/v1/batch`, '{nope', 'wk_acme');
  expect(badJson.status).toBe(400);
  const preflight = await fetch(`${base}/cx/v1/batch`, { method: 'OPTIONS' });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  // The public write key neither reads nor deletes profiles; the read and admin keys do.
  const profile = (key: string, method = 'GET') =>
    fetch(`${base}/cx/v1/profiles/user_id:u1`, { method, headers: { authorization: basic(key) } });
  expect((await profile('wk_acme')).status).toBe(401);
  expect((await profile('wk_acme', 'DELETE')).status).toBe(401);
  expect((await profile('rk_acme', 'DELETE')).status).toBe(401);
  expect((await profile('rk_acme')).status).toBe(200);
  expect(await stored('acme')).toHaveLength(1);
  expect((await profile('ak_acme', 'DELETE')).status).toBe(200);
  expect((await profile('ak_acme')).status).toBe(404);
  expect(await stored('acme')).toHaveLength(0);
  const own = await post(`${base}/api/echo`, { hello: 'world' });
  expect(own.status).toBe(200);
  expect(await json(own)).toEqual({ echoed: { hello: 'world' } });
}

describe('framework adapters, each on a real server', () => {
  it('Express: app.use("/cx", expressCollector(...)) next to the app\'s JSON routes', async () => {
    const { identity, stored } = realIdentity();
    const app = express();
    app.use('/cx', expressCollector({ identity, workspaces }));
    app.use(express.json());
    app.post('/api/echo', (req, res) => {
      res.json({ echoed: req.body });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    await checkMounted(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, stored);
  });

  it('Express: works behind express.json() too, using the parsed body', async () => {
    const { identity, stored } = realIdentity();
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    app.use('/cx', expressCollector({ identity, workspaces }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ok = await post(`${base}/cx/v1/batch`, {
      batch: [{ type: 'track', ...track }],
      writeKey: 'wk_acme',
    });
    expect(ok.status).toBe(200);
    const oversize = await post(
      `${base}/cx/v1/track`,
      { ...track, properties: { blob: 'x'.repeat(40_000) } },
      'wk_acme',
    );
    expect(oversize.status).toBe(400);
    expect(await stored('acme')).toHaveLength(1);
  });

  it('Fastify: app.register(fastifyCollector, { prefix: "/cx", ... }) keeps the app\'s parsers elsewhere', async () => {
    const { identity, stored } = realIdentity();
    const app = Fastify();
    await app.register(fastifyCollector, { prefix: '/cx', identity, workspaces });
    app.post('/api/echo', async (request) => ({ echoed: request.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    await checkMounted(`http://127.0.0.1:${port}`, stored);
  });

  it('Hono: app.use("/cx/*", honoCollector({ basePath: "/cx", ... })) and app.mount("/cx", createFetchHandler(...))', async () => {
    for (const mount of ['use', 'mount'] as const) {
      const { identity, stored } = realIdentity();
      const app = new Hono();
      if (mount === 'use') app.use('/cx/*', honoCollector({ basePath: '/cx', identity, workspaces }));
      else app.mount('/cx', createFetchHandler({ identity, workspaces }));
      app.post('/api/echo', async (c) => c.json({ echoed: await c.req.json() }));
      const port = await new Promise<number>((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
          resolve(info.port),
        );
        cleanups.push(() => new Promise((done) => server.close(done)));
      });
      await checkMounted(`http://127.0.0.1:${port}`, stored);
    }
  });
});
