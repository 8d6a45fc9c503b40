import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CxEvent, memoryStorage, type Storage } from '@cx/core';
import { createIdentity, type Identity, isIdentityEvent } from '@cx/identity';

/** Starts a node:http server on a free loopback port. */
export async function listen(
  handler: RequestListener,
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A real identity service on fresh memory storage, and a way to read back what was stored. */
export function realIdentity(): {
  identity: Identity;
  storage: Storage;
  stored: (workspaceId: string) => Promise<CxEvent[]>;
  /** Every event of the workspace's log, identity's own included. */
  log: (workspaceId: string) => Promise<CxEvent[]>;
} {
  const storage = memoryStorage();
  return {
    identity: createIdentity({ storage }),
    storage,
    // The events clients sent; identity's own (`Profile Merged`...) are left out.
    stored: async (workspaceId) =>
      (await storage.events.scan(workspaceId, { limit: 10_000 })).items.filter((e) => !isIdentityEvent(e)),
    log: async (workspaceId) => (await storage.events.scan(workspaceId, { limit: 10_000 })).items,
  };
}

/** `Authorization: Basic base64("<key>:")`, Segment's form. */
export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** Posts JSON (or raw text) with an optional key. */
export function post(url: string, body: unknown, key?: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { authorization: basic(key) }),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The JSON bodies the tests read: the error shape, plus anything else. */
export interface JsonBody {
  error: { code: string; message: string; issues: { path: string; code: string }[] };
  [key: string]: unknown;
}

/** Reads a response body as JSON. */
export const json = (response: Response) => response.json() as Promise<JsonBody>;
