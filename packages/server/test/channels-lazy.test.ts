import { ManualClock, memoryStorage } from '@cx/core';
import { createIdentity } from '@cx/identity';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCollectionHandler, type WorkspaceKeys } from '../src';
import { basic, json, listen } from './helpers';

// Not the channels harness: it imports @cx/channels itself.
const WORKSPACES: WorkspaceKeys[] = [{ workspaceId: 'acme', writeKey: 'wk_acme', readKey: 'rk_acme' }];

// Loading @cx/channels at all fails this file: the server must import it only when the `channels`
// option is given (it is an optional peer dependency).
vi.mock('@cx/channels', () => {
  throw new Error('@cx/channels was loaded by a server without channels');
});
vi.mock('@cx/channels/in-app', () => {
  throw new Error('@cx/channels/in-app was loaded by a server without channels');
});

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('a server without the channels option', () => {
  it('never loads @cx/channels, answers its routes 404 and leaves the 360° view without contacts', async () => {
    const clock = new ManualClock('2026-03-02T03:00:00.000Z');
    const storage = memoryStorage({ clock });
    const identity = createIdentity({ storage, clock });
    const server = await listen(createCollectionHandler({ identity, workspaces: WORKSPACES, clock }));
    close = server.close;
    await storage.profiles.create('acme', {
      id: 'an',
      identifiers: [{ type: 'user_id', value: 'u-an' }],
      traits: {},
    });

    const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers });
    for (const [path, headers] of [
      ['/v1/channels/unsubscribe/abc.def', {}],
      ['/v1/channels/open/abc.def', {}],
      ['/v1/channels/outbox', { authorization: basic('rk_acme') }],
      ['/v1/me/inbox', { authorization: 'Bearer abc.def' }],
      ['/v1/profiles/user_id:u-an/contacts', { authorization: basic('rk_acme') }],
    ] as const) {
      const response = await get(path, headers);
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe('NOT_FOUND');
    }
    const full = await json(
      await get('/v1/profiles/user_id:u-an?view=360', { authorization: basic('rk_acme') }),
    );
    expect(full.id).toBe('an');
    expect((full.extensions as Record<string, unknown> | undefined)?.contacts).toBeUndefined();

    // The mock is in force: loading the module really would have failed.
    await expect(import('@cx/channels')).rejects.toThrow();
  });
});
