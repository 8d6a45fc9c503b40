import { ManualClock, memoryStorage, type Storage } from '@cx/core';
import { createIdentity, type Identity } from '@cx/identity';
import {
  type ComputedTraitDefinition,
  createSegmentEngine,
  type SegmentDefinition,
  type SegmentEngine,
} from '@cx/segments';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectionHandler, type WorkspaceKeys } from '../src';
import { basic, json, listen } from './helpers';

const WORKSPACES: WorkspaceKeys[] = [
  { workspaceId: 'acme', writeKey: 'wk_acme', readKey: 'rk_acme', adminKey: 'ak_acme' },
  { workspaceId: 'globex', writeKey: 'wk_globex', readKey: 'rk_globex', adminKey: 'ak_globex' },
];

const BUYERS: SegmentDefinition = {
  id: 'buyers',
  name: 'Buyers',
  node: { type: 'performed', event: 'Order Completed' },
};
const LOYAL: SegmentDefinition = {
  id: 'loyal',
  name: 'Buyers on the newsletter',
  node: {
    type: 'and',
    nodes: [
      { type: 'inSegment', segment: 'buyers' },
      { type: 'trait', condition: { newsletter: true } },
    ],
  },
};
const ORDERS: ComputedTraitDefinition = { id: 'orders', kind: 'count', event: 'Order Completed' };

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

interface Started {
  url: string;
  storage: Storage;
  identity: Identity;
  engines: Map<string, SegmentEngine>;
  acme: SegmentEngine;
}

/** A server over memory storage, with a segment engine per workspace (unless `segments` is false). */
async function start(segments = true): Promise<Started> {
  const clock = new ManualClock('2026-03-01T00:00:00Z');
  const storage = memoryStorage({ clock });
  const identity = createIdentity({ storage, clock });
  const engines = new Map(
    WORKSPACES.map(({ workspaceId }) => [workspaceId, createSegmentEngine({ storage, workspaceId, clock })]),
  );
  const server = await listen(
    createCollectionHandler({
      identity,
      workspaces: WORKSPACES,
      clock,
      ...(segments ? { segments: { engine: (workspaceId: string) => engines.get(workspaceId) } } : {}),
    }),
  );
  close = server.close;
  return { url: server.url, storage, identity, engines, acme: engines.get('acme')! };
}

const call = (url: string, method: string, path: string, key?: string, body?: unknown) =>
  fetch(url + path, {
    method,
    headers: {
      ...(key === undefined ? {} : { authorization: basic(key) }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

/** Three people: u1 bought and reads the newsletter, u2 bought, u3 only browsed. */
async function seed(identity: Identity, workspaceId = 'acme') {
  await identity.ingest(workspaceId, [
    { type: 'identify', userId: 'u1', traits: { email: 'an@example.com', newsletter: true } },
    { type: 'track', userId: 'u1', event: 'Order Completed', properties: { revenue: 25 } },
    { type: 'track', userId: 'u1', event: 'Order Completed', properties: { revenue: 10 } },
    { type: 'track', userId: 'u2', event: 'Order Completed', properties: { revenue: 5 } },
    { type: 'track', userId: 'u3', event: 'Product Viewed' },
  ]);
}

/** Everything stored about the workspace's definitions, as the API and the engine see them. */
async function definitions(engine: SegmentEngine) {
  return {
    segments: await engine.list(),
    traits: await engine.listComputedTraits(),
    pending: await engine.progress(),
  };
}

describe('segment API', () => {
  it('saves a segment (admin), lists it, and serves it once the engine has brought it live', async () => {
    const { url, identity, acme } = await start();
    await seed(identity);
    const saved = await call(url, 'POST', '/v1/segments', 'ak_acme', BUYERS);
    expect(saved.status).toBe(200);
    expect(await json(saved)).toEqual({ id: 'buyers', version: 1, status: 'replaying' });

    const listed = await json(await call(url, 'GET', '/v1/segments', 'rk_acme'));
    expect(listed.items).toEqual([
      { id: 'buyers', name: 'Buyers', status: 'replaying', version: 1, definition: BUYERS },
    ]);
    await acme.drain();
    const one = await call(url, 'GET', '/v1/segments/buyers', 'rk_acme');
    expect(await json(one)).toMatchObject({ id: 'buyers', status: 'live', version: 1 });

    // A new version replays while the live one keeps serving.
    const renamed = await call(url, 'POST', '/v1/segments', 'ak_acme', { ...BUYERS, name: 'Customers' });
    expect(await json(renamed)).toEqual({ id: 'buyers', version: 2, status: 'replaying' });
    expect(await json(await call(url, 'GET', '/v1/segments/buyers', 'rk_acme'))).toMatchObject({
      version: 1,
      status: 'live',
      name: 'Buyers',
    });
    await acme.drain();
    expect(await json(await call(url, 'GET', '/v1/segments/buyers', 'rk_acme'))).toMatchObject({
      version: 2,
      status: 'live',
      name: 'Customers',
    });

    const missing = await call(url, 'GET', '/v1/segments/nope', 'rk_acme');
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('NOT_FOUND');
    expect((await call(url, 'PUT', '/v1/segments', 'ak_acme', BUYERS)).status).toBe(405);
    expect((await call(url, 'POST', '/v1/segments/buyers', 'ak_acme', BUYERS)).status).toBe(405);
  });

  it('refuses bad definitions with the path of each problem, and stores nothing of them', async () => {
    const { url, acme } = await start();
    expect((await call(url, 'POST', '/v1/segments', 'ak_acme', BUYERS)).status).toBe(200);
    await acme.drain();
    expect((await call(url, 'POST', '/v1/segments', 'ak_acme', LOYAL)).status).toBe(200);
    const before = await definitions(acme);

    const cases: [unknown, string, string][] = [
      [{ ...BUYERS, node: { type: 'performed' } }, 'VALIDATION', 'node.event'],
      [
        {
          ...BUYERS,
          node: {
            type: 'performed',
            event: 'Order Completed',
            window: { last: { amount: 0, unit: 'days' } },
          },
        },
        'VALIDATION',
        'node.window',
      ],
      [{ ...BUYERS, node: { type: 'teleported' } }, 'VALIDATION', 'node.type'],
      [{ ...BUYERS, id: 'Has Spaces' }, 'VALIDATION', 'id'],
      [{ ...BUYERS, extra: true }, 'VALIDATION', ''],
      [
        { ...LOYAL, id: 'orphan', node: { type: 'inSegment', segment: 'ghost' } },
        'VALIDATION',
        'orphan.node',
      ],
      // buyers → loyal → buyers: a cycle through an existing segment
      [{ ...BUYERS, node: { type: 'inSegment', segment: 'loyal' } }, 'VALIDATION', 'node'],
      ['{"id": "buyers", "name": ', 'VALIDATION', ''],
      [[BUYERS], 'VALIDATION', ''],
    ];
    for (const [body, code, path] of cases) {
      const response = await call(url, 'POST', '/v1/segments', 'ak_acme', body);
      const error = (await json(response)).error;
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(error.code).toBe(code);
      expect(error.issues.length, JSON.stringify(body)).toBeGreaterThan(0);
      expect(
        error.issues.some((issue) => issue.path.includes(path)),
        `${JSON.stringify(body)}: ${JSON.stringify(error.issues)}`,
      ).toBe(true);
    }
    const huge = { ...BUYERS, description: 'x'.repeat(300 * 1024) };
    const tooLarge = await call(url, 'POST', '/v1/segments', 'ak_acme', huge);
    expect(tooLarge.status).toBe(400);
    expect((await json(tooLarge)).error.code).toBe('LIMIT');
    // Removing a segment another one refers to is a conflict, and removes nothing.
    const referenced = await call(url, 'DELETE', '/v1/segments/buyers', 'ak_acme');
    expect(referenced.status).toBe(409);
    expect((await json(referenced)).error.code).toBe('CONFLICT');

    expect(await definitions(acme)).toEqual(before);
  });

  it('opens reads to read and admin keys, writes to admin keys, and keeps each workspace apart', async () => {
    const { url, identity, acme, engines } = await start();
    await seed(identity);
    await acme.define(BUYERS);
    await acme.drain();
    const globex = engines.get('globex')!;
    const before = { acme: await definitions(acme), globex: await definitions(globex) };

    const reads: [string, string, unknown?][] = [
      ['GET', '/v1/segments'],
      ['GET', '/v1/segments/buyers'],
      ['POST', '/v1/segments/preview', BUYERS],
      ['GET', '/v1/segments/buyers/explain/user_id:u1'],
      ['GET', '/v1/profiles/user_id:u1/segments'],
    ];
    const writes: [string, string, unknown?][] = [
      ['POST', '/v1/segments', { ...BUYERS, name: 'Changed' }],
      ['DELETE', '/v1/segments/buyers'],
    ];
    for (const [method, path, body] of [...reads, ...writes]) {
      for (const key of [undefined, 'nope', 'wk_acme', 'wk_globex']) {
        const response = await call(url, method, path, key, body);
        expect(response.status, `${method} ${path} with ${key}`).toBe(401);
        expect((await json(response)).error.code).toBe('UNAUTHORIZED');
      }
    }
    for (const [method, path, body] of writes) {
      const response = await call(url, method, path, 'rk_acme', body);
      expect(response.status, `${method} ${path} with the read key`).toBe(401);
      expect((await json(response)).error.message).toContain('admin key');
    }
    for (const [method, path, body] of reads) {
      for (const key of ['rk_acme', 'ak_acme']) {
        const response = await call(url, method, path, key, body);
        expect(response.status, `${method} ${path} with ${key}`).toBe(200);
      }
    }
    // globex's keys see globex: no buyers segment, no u1.
    expect((await json(await call(url, 'GET', '/v1/segments', 'rk_globex'))).items).toEqual([]);
    for (const [method, path] of [
      ['GET', '/v1/segments/buyers'],
      ['GET', '/v1/segments/buyers/explain/user_id:u1'],
      ['GET', '/v1/profiles/user_id:u1/segments'],
      ['DELETE', '/v1/segments/buyers'],
    ] as const) {
      const key = method === 'DELETE' ? 'ak_globex' : 'rk_globex';
      expect((await call(url, method, path, key)).status, `${method} ${path} with ${key}`).toBe(404);
    }
    const preview = await json(await call(url, 'POST', '/v1/segments/preview', 'rk_globex', BUYERS));
    expect(preview).toMatchObject({ size: 0, sample: [] });
    expect({ acme: await definitions(acme), globex: await definitions(globex) }).toEqual(before);

    expect((await call(url, 'DELETE', '/v1/segments/buyers', 'ak_acme')).status).toBe(200);
    expect((await call(url, 'GET', '/v1/segments/buyers', 'rk_acme')).status).toBe(404);
    expect((await call(url, 'DELETE', '/v1/segments/buyers', 'ak_acme')).status).toBe(404);
  });

  it('previews an unsaved definition: size, first 20 ids and method, with saved segments as context', async () => {
    const { url, identity, acme } = await start();
    await seed(identity);
    await identity.ingest(
      'acme',
      Array.from({ length: 25 }, (_, n) => ({ type: 'track', userId: `bulk${n}`, event: 'Order Completed' })),
    );
    await acme.define(BUYERS);
    await acme.drain();
    const before = await definitions(acme);

    const response = await call(url, 'POST', '/v1/segments/preview', 'rk_acme', {
      ...LOYAL,
      node: { type: 'or', nodes: [{ type: 'inSegment', segment: 'buyers' }] },
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ size: 27, method: 'stream' });
    expect(body.sample).toHaveLength(20);
    expect([...(body.sample as string[])].sort()).toEqual(body.sample);

    const loyal = await json(await call(url, 'POST', '/v1/segments/preview', 'rk_acme', LOYAL));
    const u1 = await identity.getProfile('acme', { type: 'user_id', value: 'u1' });
    expect(loyal).toEqual({ size: 1, sample: [u1!.id], method: 'stream' });

    const unknown = await call(url, 'POST', '/v1/segments/preview', 'rk_acme', {
      ...LOYAL,
      node: { type: 'computed', trait: 'ghost', test: 1 },
    });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.issues[0]!.path).toContain('trait');
    expect(await definitions(acme)).toEqual(before);
  });

  it("serves a profile's memberships and computed traits, in their own route and in the 360° view", async () => {
    const { url, identity, acme } = await start();
    await seed(identity);
    await acme.define(BUYERS);
    await acme.defineComputedTrait(ORDERS);
    await acme.drain();
    const u1 = (await identity.getProfile('acme', { type: 'user_id', value: 'u1' }))!;

    const response = await call(url, 'GET', '/v1/profiles/email:an%40example.com/segments', 'rk_acme');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      profileId: u1.id,
      memberships: [{ segmentId: 'buyers', enteredAt: '2026-03-01T00:00:00.000Z' }],
      computedTraits: { orders: 2 },
    });
    const u3 = await json(await call(url, 'GET', '/v1/profiles/user_id:u3/segments', 'rk_acme'));
    expect(u3).toMatchObject({ memberships: [], computedTraits: { orders: 0 } });

    const full = await json(await call(url, 'GET', '/v1/profiles/user_id:u1?view=360', 'rk_acme'));
    expect(full.extensions).toEqual({
      segments: {
        memberships: [{ segmentId: 'buyers', enteredAt: '2026-03-01T00:00:00.000Z' }],
        computedTraits: { orders: 2 },
      },
    });
    expect(full).toMatchObject({ id: u1.id, eventCounts: { byName: { 'Order Completed': 2 } } });
    const basicView = await json(await call(url, 'GET', '/v1/profiles/user_id:u1', 'rk_acme'));
    expect(Object.keys(basicView).sort()).toEqual(['consent', 'id', 'identifiers', 'traits']);
    expect((await call(url, 'GET', '/v1/profiles/user_id:nobody/segments', 'rk_acme')).status).toBe(404);
    expect((await call(url, 'DELETE', '/v1/profiles/user_id:u1/segments', 'ak_acme')).status).toBe(405);
  });

  it('explains a membership, for a person named by identifier or by profile id', async () => {
    const { url, identity, acme } = await start();
    await seed(identity);
    await acme.define(BUYERS);
    await acme.drain();
    const u2 = (await identity.getProfile('acme', { type: 'user_id', value: 'u2' }))!;

    const byIdentifier = await json(
      await call(url, 'GET', '/v1/segments/buyers/explain/user_id:u2', 'rk_acme'),
    );
    expect(byIdentifier).toMatchObject({
      segmentId: 'buyers',
      profileId: u2.id,
      member: true,
      root: { path: 'node', type: 'performed', held: true },
    });
    const byId = await json(await call(url, 'GET', `/v1/segments/buyers/explain/${u2.id}`, 'rk_acme'));
    expect(byId).toEqual(byIdentifier);
    const u3 = await json(await call(url, 'GET', '/v1/segments/buyers/explain/user_id:u3', 'rk_acme'));
    expect(u3).toMatchObject({ member: false, root: { held: false } });

    for (const path of [
      '/v1/segments/buyers/explain/user_id:nobody',
      '/v1/segments/buyers/explain/01NOSUCHPROFILE',
      '/v1/segments/nope/explain/user_id:u2',
    ]) {
      const response = await call(url, 'GET', path, 'rk_acme');
      expect(response.status, path).toBe(404);
      expect((await json(response)).error.code).toBe('NOT_FOUND');
    }
    expect((await call(url, 'GET', '/v1/segments/buyers/explain/Bad%20Type:x', 'rk_acme')).status).toBe(400);
  });

  it('answers 404 without the segments option, and leaves the 360° view as it was', async () => {
    const { url, identity } = await start(false);
    await seed(identity);
    for (const [method, path] of [
      ['GET', '/v1/segments'],
      ['POST', '/v1/segments'],
      ['GET', '/v1/profiles/user_id:u1/segments'],
    ] as const) {
      const response = await call(url, method, path, 'ak_acme', method === 'POST' ? BUYERS : undefined);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    // Scopes are checked first, exactly as with the option.
    expect((await call(url, 'GET', '/v1/segments', 'wk_acme')).status).toBe(401);
    expect(
      (await json(await call(url, 'GET', '/v1/profiles/user_id:u1?view=360', 'rk_acme'))).extensions,
    ).toEqual({});
  });

  it('refuses an engine factory that answers with another workspace', async () => {
    const storage = memoryStorage();
    const globex = createSegmentEngine({ storage, workspaceId: 'globex' });
    const server = await listen(
      createCollectionHandler({
        identity: createIdentity({ storage }),
        workspaces: WORKSPACES,
        segments: { engine: () => globex },
        onError: () => {},
      }),
    );
    close = server.close;
    const response = await call(server.url, 'GET', '/v1/segments', 'rk_acme');
    expect(response.status).toBe(500);
    expect((await call(server.url, 'GET', '/v1/segments', 'rk_globex')).status).toBe(200);
  });
});
