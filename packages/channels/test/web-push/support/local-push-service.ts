import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '@cx/core';
import type { PushSubscription } from '../../../src/contract/outbound-message';
import { decryptAes128gcm, type ReceiverKeys } from './decrypt-aes128gcm';

/** One push the service accepted, decrypted. */
export interface ReceivedPush {
  subscriptionId: string;
  /** Request headers, lower case. */
  headers: Record<string, string | undefined>;
  /** The decrypted body, parsed as JSON. */
  payload: Record<string, unknown>;
  /** The VAPID JWT's claims. */
  claims: { aud: string; exp: number; sub: string };
  /** The whole `Authorization` header, to see token reuse. */
  authorization: string;
}

/** A push service on loopback that checks every request as a strict real one would. */
export interface LocalPushService {
  origin: string;
  /** A new subscription with fresh keys, as a browser would make. */
  subscribe(): PushSubscription;
  /** The subscription's endpoint now answers 410 Gone. */
  retire(subscription: PushSubscription): void;
  /** The next request gets this status (and headers) instead of being delivered. */
  failNext(status: number, headers?: Record<string, string>): void;
  /** Every accepted push, in order. */
  received: ReceivedPush[];
  /** Every request the service refused for breaking the protocol, with why. */
  problems: string[];
  /** Number of requests that reached the service at all. */
  requests(): number;
  close(): Promise<void>;
}

const URGENCIES = ['very-low', 'low', 'normal', 'high'];

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Verifies `vapid t=…, k=…` and returns the claims, or throws why not. */
function verifyVapid(header: string | undefined, expectedKey: string, origin: string, nowS: number) {
  const match = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(
    header ?? '',
  );
  if (!match) throw new Error(`401 malformed Authorization: ${header}`);
  const [, token = '', key = ''] = match;
  if (key !== expectedKey) throw new Error('403 k is not the key the subscription was made with');
  const [head = '', body = '', signature = ''] = token.split('.');
  const jose = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
  if (jose.alg !== 'ES256') throw new Error(`401 alg ${jose.alg}`);
  const point = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) throw new Error('401 bad JWT signature');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as ReceivedPush['claims'];
  if (claims.aud !== origin) throw new Error(`401 aud ${claims.aud} is not ${origin}`);
  if (!(claims.exp > nowS)) throw new Error('401 the JWT has expired');
  if (claims.exp > nowS + 24 * 60 * 60) throw new Error('401 exp is more than 24 h ahead');
  if (!/^(mailto:|https:)/.test(claims.sub)) throw new Error(`401 sub ${claims.sub}`);
  return { claims, authorization: header as string };
}

/**
 * Starts a push service on 127.0.0.1 for subscriptions made with `vapidPublicKey`. It checks the
 * VAPID JWT (signature, `aud`, `exp`, `sub`), the `TTL`, `Urgency`, `Topic` and content headers,
 * and decrypts every body with the subscription's private key.
 */
export async function startPushService(options: {
  vapidPublicKey: string;
  clock?: Clock;
}): Promise<LocalPushService> {
  const clock = options.clock ?? systemClock;
  const subscriptions = new Map<string, ReceiverKeys & { retired: boolean }>();
  const received: ReceivedPush[] = [];
  const problems: string[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  let requests = 0;
  let messages = 0;
  let origin = '';

  const server = createServer(async (request, response) => {
    requests++;
    const body = await readBody(request);
    const refuse = (status: number, why: string) => {
      problems.push(why);
      response.writeHead(status, { 'content-type': 'text/plain' }).end(why);
    };
    const failure = failures.shift();
    if (failure) {
      response.writeHead(failure.status, failure.headers).end('local failure');
      return;
    }
    const id = /^\/push\/([a-f0-9]+)$/.exec(request.url ?? '')?.[1];
    const subscription = id ? subscriptions.get(id) : undefined;
    if (request.method !== 'POST' || !id || !subscription)
      return refuse(404, `no subscription at ${request.url}`);
    if (subscription.retired) {
      response.writeHead(410).end('push subscription has unsubscribed or expired');
      return;
    }
    let vapid: ReturnType<typeof verifyVapid>;
    try {
      vapid = verifyVapid(
        request.headers.authorization,
        options.vapidPublicKey,
        origin,
        Math.floor(clock.now() / 1000),
      );
    } catch (error) {
      const text = (error as Error).message;
      return refuse(Number(text.slice(0, 3)), text);
    }
    const header = (name: string) => request.headers[name] as string | undefined;
    const ttl = header('ttl');
    if (ttl === undefined || !/^\d+$/.test(ttl))
      return refuse(400, `TTL header missing or not a number: ${ttl}`);
    const urgency = header('urgency');
    if (urgency !== undefined && !URGENCIES.includes(urgency)) return refuse(400, `bad Urgency ${urgency}`);
    const topic = header('topic');
    if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return refuse(400, `bad Topic ${topic}`);
    if (request.headers['content-encoding'] !== 'aes128gcm')
      return refuse(415, 'Content-Encoding must be aes128gcm');
    if (body.length > 4096) return refuse(413, `body of ${body.length} bytes`);
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(decryptAes128gcm(body, subscription).toString('utf8'));
    } catch (error) {
      return refuse(400, `could not decrypt: ${(error as Error).message}`);
    }
    received.push({
      subscriptionId: id,
      headers: request.headers as Record<string, string | undefined>,
      payload,
      claims: vapid.claims,
      authorization: vapid.authorization,
    });
    response.writeHead(201, { location: `${origin}/messages/${++messages}` }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    subscribe() {
      const ecdh = createECDH('prime256v1');
      const publicKey = ecdh.generateKeys();
      const authSecret = randomBytes(16);
      const id = randomBytes(8).toString('hex');
      subscriptions.set(id, { privateKey: ecdh.getPrivateKey(), authSecret, retired: false });
      return {
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: publicKey.toString('base64url'), auth: authSecret.toString('base64url') },
      };
    },
    retire(subscription) {
      const id = subscription.endpoint.split('/').pop() as string;
      const keys = subscriptions.get(id);
      if (keys) keys.retired = true;
    },
    failNext(status, headers = {}) {
      failures.push({ status, headers });
    },
    received,
    problems,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
