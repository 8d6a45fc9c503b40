import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '@cx/core';
import { verifyJwt } from './jwt';

/** One notification the local APNs accepted. */
export interface ApnsReceived {
  deviceToken: string;
  headers: IncomingHttpHeaders;
  payload: Record<string, unknown> & {
    aps: { alert: { title?: string; body?: string }; 'thread-id'?: string };
  };
  /** The provider token it came with. */
  jwt: string;
}

/** An APNs stand-in: HTTP/2 without TLS (h2c) on loopback. */
export interface LocalApns {
  origin: string;
  teamId: string;
  keyId: string;
  topic: string;
  /** The `.p8` key, as Apple hands it out (PKCS#8 PEM). */
  signingKey: string;
  received: ApnsReceived[];
  problems: string[];
  /** HTTP/2 connections opened so far. */
  connections(): number;
  /** Requests that reached the server, accepted or not. */
  requests(): number;
  /** Device tokens that answer 410 Unregistered. */
  unregister(deviceToken: string): void;
  /** Every provider token seen so far now answers 403 ExpiredProviderToken. */
  expireProviderTokens(): void;
  /** The next request gets this status and reason instead. */
  failNext(status: number, reason: string): void;
  /** Closes every connection, as APNs does when it goes away. */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * Starts a local APNs: checks `:method`, `:path`, the ES256 provider token (signature with the
 * key's public half, `kid`, `iss`, an `iat` under an hour old), `apns-topic`, `apns-push-type`,
 * `apns-priority`, `apns-id` and the JSON payload, and answers as Apple documents.
 */
export async function startLocalApns(options: { clock?: Clock } = {}): Promise<LocalApns> {
  const clock = options.clock ?? systemClock;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const teamId = 'TEAM123456';
  const keyId = 'KEYID12345';
  const topic = 'com.example.cx';
  const received: ApnsReceived[] = [];
  const problems: string[] = [];
  const unregistered = new Set<string>();
  const seenTokens = new Set<string>();
  const expiredTokens = new Set<string>();
  const failures: { status: number; reason: string }[] = [];
  const sessions = new Set<import('node:http2').ServerHttp2Session>();
  let connections = 0;
  let requests = 0;

  const answer = (stream: ServerHttp2Stream, status: number, reason?: string, apnsId?: string) => {
    const headers: Record<string, string | number> = { ':status': status };
    if (apnsId) headers['apns-id'] = apnsId;
    if (reason) {
      headers['content-type'] = 'application/json';
      stream.respond(headers);
      stream.end(JSON.stringify({ reason, ...(status === 410 ? { timestamp: clock.now() } : {}) }));
    } else {
      stream.respond(headers);
      stream.end();
    }
  };
  const refuse = (stream: ServerHttp2Stream, status: number, reason: string, why: string) => {
    problems.push(why);
    answer(stream, status, reason);
  };

  function check(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, body: string) {
    requests++;
    const failure = failures.shift();
    if (failure) return answer(stream, failure.status, failure.reason);
    if (headers[':method'] !== 'POST')
      return refuse(stream, 405, 'MethodNotAllowed', `method ${headers[':method']}`);
    const deviceToken = /^\/3\/device\/([^/]+)$/.exec(headers[':path'] ?? '')?.[1];
    if (!deviceToken) return refuse(stream, 404, 'BadPath', `path ${headers[':path']}`);
    const jwt = /^bearer (\S+)$/.exec(String(headers.authorization ?? ''))?.[1];
    if (!jwt) return refuse(stream, 403, 'MissingProviderToken', 'no provider token');
    try {
      const { header, claims } = verifyJwt(jwt, publicKey as KeyObject, 'ES256');
      if (header.kid !== keyId) return refuse(stream, 403, 'InvalidProviderToken', `kid ${header.kid}`);
      if (claims.iss !== teamId) return refuse(stream, 403, 'InvalidProviderToken', `iss ${claims.iss}`);
      const age = Math.floor(clock.now() / 1000) - Number(claims.iat);
      if (expiredTokens.has(jwt) || age > 3600) return answer(stream, 403, 'ExpiredProviderToken');
      if (age < -60) return refuse(stream, 403, 'InvalidProviderToken', `iat in the future by ${-age} s`);
    } catch (error) {
      return refuse(stream, 403, 'InvalidProviderToken', (error as Error).message);
    }
    seenTokens.add(jwt);
    if (headers['apns-topic'] !== topic)
      return refuse(stream, 400, 'BadTopic', `topic ${headers['apns-topic']}`);
    if (headers['apns-push-type'] !== 'alert') return refuse(stream, 400, 'InvalidPushType', 'push type');
    if (!['5', '10'].includes(String(headers['apns-priority']))) {
      return refuse(stream, 400, 'BadPriority', `priority ${headers['apns-priority']}`);
    }
    const apnsId = String(headers['apns-id'] ?? '');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(apnsId)) {
      return refuse(stream, 400, 'BadMessageId', `apns-id ${apnsId}`);
    }
    const expiration = headers['apns-expiration'];
    if (expiration !== undefined && !/^\d+$/.test(String(expiration))) {
      return refuse(stream, 400, 'BadExpirationDate', `expiration ${expiration}`);
    }
    const collapse = headers['apns-collapse-id'];
    if (collapse !== undefined && Buffer.byteLength(String(collapse)) > 64) {
      return refuse(stream, 400, 'BadCollapseId', 'collapse id over 64 bytes');
    }
    if (Buffer.byteLength(body) > 4096)
      return refuse(stream, 413, 'PayloadTooLarge', 'payload over 4096 bytes');
    let payload: ApnsReceived['payload'];
    try {
      payload = JSON.parse(body);
      if (typeof payload.aps?.alert !== 'object') throw new Error('no aps.alert');
    } catch (error) {
      return refuse(stream, 400, 'PayloadEmpty', (error as Error).message);
    }
    if (unregistered.has(deviceToken)) return answer(stream, 410, 'Unregistered');
    if (!/^[0-9a-f]{64}$/.test(deviceToken)) return answer(stream, 400, 'BadDeviceToken');
    received.push({ deviceToken, headers, payload, jwt });
    // Apple echoes the apns-id in upper case.
    answer(stream, 200, undefined, apnsId.toUpperCase());
  }

  const server = createServer();
  server.on('session', (session) => {
    connections++;
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => check(stream, headers, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    teamId,
    keyId,
    topic,
    signingKey: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    received,
    problems,
    connections: () => connections,
    requests: () => requests,
    unregister: (deviceToken) => unregistered.add(deviceToken),
    expireProviderTokens: () => {
      for (const token of seenTokens) expiredTokens.add(token);
    },
    failNext: (status, reason) => failures.push({ status, reason }),
    dropConnections: () => {
      for (const session of sessions) session.close();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
